using ZeroCostDL4Mic.Cli.Images;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;
using ImagingCalibration = ZeroCostDL4Mic.Imaging.Calibration;

namespace ZeroCostDL4Mic.Cli.Tests;

public class ImageWireTests
{
    [Theory]
    [InlineData(PixelType.UInt8, DType.Uint8, 1)]
    [InlineData(PixelType.UInt16, DType.Uint16, 2)]
    [InlineData(PixelType.Int32, DType.Int32, 4)]
    [InlineData(PixelType.Float32, DType.Float32, 4)]
    public void Images_survive_the_wire_with_dtype_axes_shape_and_calibration(PixelType type, DType dtype, int bytesPerPixel)
    {
        var pixels = Enumerable.Range(0, 2 * 3 * 4).Select(i => (float)(i * 7 % 250)).ToArray();
        var calibration = new ImagingCalibration(0.1, 0.2, 0.5, "micron", 2);
        var image = new ImageData("ZYX", [2, 3, 4], pixels, type, calibration);

        var wire = ImageWire.Encode("stack.tif", image);
        var back = ImageWire.Decode(wire.Header, wire.Bytes);

        Assert.Equal(dtype, wire.Header.Dtype);
        Assert.Equal("ZYX", wire.Header.Axes);
        Assert.Equal([2L, 3, 4], wire.Header.Shape);
        Assert.Equal(24L * bytesPerPixel, wire.Header.ByteCount);
        Assert.Equal(ImageWire.Sha256Hex(wire.Bytes), wire.Header.Sha256);
        Assert.Equal(64, wire.Header.Sha256.Length);
        Assert.Equal(pixels, back.Pixels);
        Assert.Equal(type, back.PixelType);
        Assert.Equal(calibration, back.Calibration);
    }

    [Fact]
    public void Bytes_are_little_endian_in_C_order()
    {
        var image = new ImageData("YX", [1, 2], [1, 258], PixelType.UInt16);

        Assert.Equal(new byte[] { 1, 0, 2, 1 }, ImageWire.Encode("x", image).Bytes);
    }

    [Fact]
    public void Large_images_travel_in_contiguous_1_MiB_chunks()
    {
        var bytes = new byte[ImageWire.ChunkBytes * 2 + 10];

        var chunks = ImageWire.Chunks(bytes).ToList();

        Assert.Equal([0L, ImageWire.ChunkBytes, 2L * ImageWire.ChunkBytes], chunks.Select(c => c.Offset));
        Assert.Equal([ImageWire.ChunkBytes, ImageWire.ChunkBytes, 10], chunks.Select(c => c.Data.Length));
    }

    [Fact]
    public void Bytes_that_do_not_fit_the_shape_are_refused()
    {
        var header = new ImageHeader { Name = "x", Dtype = DType.Uint16, Axes = "YX", ByteCount = 6 };
        header.Shape.AddRange([2L, 2]);

        Assert.Throws<InvalidDataException>(() => ImageWire.Decode(header, new byte[6]));
    }

    [Fact]
    public void Output_stems_keep_two_inputs_with_the_same_stem_apart()
    {
        var stems = Prediction.RemotePredictor.OutputStems(["/d/a.tif", "/d/a.png", "/d/b.tif"]);

        Assert.Equal("a_tif", stems["a.tif"]);
        Assert.Equal("a_png", stems["a.png"]);
        Assert.Equal("b", stems["b.tif"]);
    }
}
