using System.Security.Cryptography;
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
        var incoming = new IncomingImage(wire.Header, "stack.tif");
        foreach (var chunk in wire.Chunks) incoming.Append(chunk);
        var back = incoming.ToImage();

        Assert.Equal(dtype, wire.Header.Dtype);
        Assert.Equal("ZYX", wire.Header.Axes);
        Assert.Equal([2L, 3, 4], wire.Header.Shape);
        Assert.Equal(24L * bytesPerPixel, wire.Header.ByteCount);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Bytes(wire))), wire.Header.Sha256);
        Assert.Equal(pixels, back.Pixels);
        Assert.Equal(type, back.PixelType);
        Assert.Equal(calibration, back.Calibration);
    }

    static byte[] Bytes(WireImage wire) => wire.Chunks.SelectMany(c => c.Data.ToByteArray()).ToArray();

    [Fact]
    public void Bytes_are_little_endian_in_C_order()
    {
        var image = new ImageData("YX", [1, 2], [1, 258], PixelType.UInt16);

        Assert.Equal(new byte[] { 1, 0, 2, 1 }, Bytes(ImageWire.Encode("x", image)));
    }

    [Fact]
    public void Large_images_travel_in_contiguous_1_MiB_chunks()
    {
        var image = new ImageData("YX", [1, ImageWire.ChunkBytes / 2 + 3], new float[ImageWire.ChunkBytes / 2 + 3], PixelType.Float32);

        var chunks = ImageWire.Encode("x", image).Chunks.ToList();

        // 2 MiB + 12 bytes of float32
        Assert.Equal([0L, ImageWire.ChunkBytes, 2L * ImageWire.ChunkBytes], chunks.Select(c => c.Offset));
        Assert.Equal([ImageWire.ChunkBytes, ImageWire.ChunkBytes, 12], chunks.Select(c => c.Data.Length));
    }

    [Fact]
    public void Bytes_that_do_not_fit_the_shape_are_refused()
    {
        var header = new ImageHeader { Name = "x", Dtype = DType.Uint16, Axes = "YX", ByteCount = 6 };
        header.Shape.AddRange([2L, 2]);

        var error = Assert.Throws<InvalidDataException>(() => new IncomingImage(header, "output 'restored' of 'x'"));
        Assert.StartsWith("output 'restored' of 'x': ", error.Message);
        Assert.Contains("byte_count 6 does not match shape [2, 2]", error.Message);
    }

    [Fact]
    public void Chunks_out_of_order_or_corrupted_bytes_are_refused()
    {
        var wire = ImageWire.Encode("x", new ImageData("YX", [2, 2], [1, 2, 3, 4], PixelType.UInt16));
        var chunk = wire.Chunks.Single();

        var skipped = new IncomingImage(wire.Header, "x");
        Assert.Throws<InvalidDataException>(() => skipped.Append(new ImageChunk { Offset = 2, Data = chunk.Data }));

        var corrupted = new IncomingImage(wire.Header, "x");
        var bytes = chunk.Data.ToByteArray();
        bytes[0] ^= 1;
        corrupted.Append(new ImageChunk { Offset = 0, Data = Google.Protobuf.ByteString.CopyFrom(bytes) });
        Assert.Contains("sha256", Assert.Throws<InvalidDataException>(() => corrupted.ToImage()).Message);
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
