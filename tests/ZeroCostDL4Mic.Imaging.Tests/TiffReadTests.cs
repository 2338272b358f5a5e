namespace ZeroCostDL4Mic.Imaging.Tests;

public class TiffReadTests
{
    [Fact]
    public void ReadsStardistUInt8AndUInt16()
    {
        var image = TiffImages.Read(TestFiles.Path("img2d_256.tif"));
        Assert.Equal("YX", image.Axes);
        Assert.Equal(new[] { 256, 256 }, image.Shape);
        Assert.Equal(PixelType.UInt8, image.PixelType);
        Assert.Equal(1384075.0, Synthetic.Sum(image.Pixels)); // tifffile
        Assert.Equal(10f, image.Pixels.Min());
        Assert.Equal(255f, image.Pixels.Max());

        var mask = TiffImages.Read(TestFiles.Path("mask2d_256.tif"));
        Assert.Equal(PixelType.UInt16, mask.PixelType);
        Assert.Equal(139522.0, Synthetic.Sum(mask.Pixels));
        Assert.Equal(65f, mask.Pixels.Max());
    }

    [Theory]
    [InlineData("dsb-colour-labels.tif", 256, 320, 158725.0, 33f)]
    [InlineData("dsb-grey-labels.tif", 256, 256, 46987.0, 27f)]
    public void ReadsDeflateLabelImages(string name, int height, int width, double sum, float max)
    {
        var image = TiffImages.Read(TestFiles.Path(name));
        Assert.Equal(new[] { height, width }, image.Shape);
        Assert.Equal(PixelType.UInt16, image.PixelType);
        Assert.Equal(sum, Synthetic.Sum(image.Pixels));
        Assert.Equal(max, image.Pixels.Max());
    }

    [Fact]
    public void ReadsBigEndianImageJStackWithCalibration()
    {
        var image = TiffImages.Read(TestFiles.Path("smlm-training-stack.tif"));
        Assert.Equal("ZYX", image.Axes); // images=20, slices=20
        Assert.Equal(new[] { 20, 64, 64 }, image.Shape);
        Assert.Equal(PixelType.UInt16, image.PixelType);
        Assert.Equal(33176473.0, Synthetic.Sum(image.Pixels));
        Assert.Equal(105f, image.Pixels.Min());
        Assert.Equal(2472f, image.Pixels.Max());
        Assert.Equal(0.1, image.Calibration.PixelSizeX, 6);
        Assert.Equal(0.1, image.Calibration.PixelSizeY, 6);
        Assert.Equal("\u00b5m", image.Calibration.Unit);
    }

    [Fact]
    public void ReadsTifffileHyperstackAsTZCYX()
    {
        var image = TiffImages.Read(TestFiles.Path("tifffile-hyperstack.tif"));
        AssertHyperstack(image);
    }

    [Fact]
    public void ReadsImageJStackStoredBehindOneIfd()
    {
        var image = TiffImages.Read(TestFiles.Path("imagej-single-ifd.tif"));
        AssertHyperstack(image);
    }

    private static void AssertHyperstack(ImageData image)
    {
        Assert.Equal("TZCYX", image.Axes);
        Assert.Equal(new[] { 2, 3, 2, 5, 7 }, image.Shape);
        for (var i = 0; i < image.Pixels.Length; i++)
            Assert.Equal(i * 13 % 65535, image.Pixels[i]);
        Assert.Equal(0.25, image.Calibration.PixelSizeX, 6);
        Assert.Equal(0.5, image.Calibration.PixelSizeY, 6);
        Assert.Equal(1.5, image.Calibration.PixelSizeZ);
        Assert.Equal(2.0, image.Calibration.FrameIntervalSeconds);
        Assert.Equal("um", image.Calibration.Unit);
    }

    [Fact]
    public void ReadsTiledDeflateInt16WithPredictor()
    {
        var image = TiffImages.Read(TestFiles.Path("tiled-int16-deflate.tif"));
        Assert.Equal(new[] { 40, 50 }, image.Shape);
        Assert.Equal(PixelType.Int32, image.PixelType);
        Assert.Equal(94395.0, Synthetic.Sum(image.Pixels));
        Assert.Equal(2821f, image.Pixels[1 * 50 + 2]);
        Assert.Equal(-2987f, image.Pixels.Min());
    }

    [Fact]
    public void ReadsPlanarRgbAsLuminance()
    {
        var image = TiffImages.Read(TestFiles.Path("rgb-planar.tif"));
        Assert.Equal(new[] { 6, 8 }, image.Shape);
        Assert.Equal(PixelType.Float32, image.PixelType);
        Assert.Equal(6180.7097, Synthetic.Sum(image.Pixels), 3);
        Assert.Equal(62.6105f, image.Pixels[2 * 8 + 3], 4);
    }

    [Fact]
    public void ReadsFloat64AsFloat32()
    {
        var image = TiffImages.Read(TestFiles.Path("float64.tif"));
        Assert.Equal(PixelType.Float32, image.PixelType);
        Assert.Equal(28.19572013224641, Synthetic.Sum(image.Pixels), 5);
        Assert.Equal((float)0.604936095517219, image.Pixels[1 * 9 + 2]);
    }

    [Fact]
    public void ReadsFromNonSeekableStream()
    {
        using var stream = new ForwardOnlyStream(TestFiles.Bytes("smlm-training-stack.tif"));
        var image = TiffImages.Read(stream, "stack.tif");
        Assert.Equal(new[] { 20, 64, 64 }, image.Shape);
    }

    [Fact]
    public void RejectsNonTiff()
    {
        var ex = Assert.Throws<ImageFormatException>(() => TiffImages.Read(new MemoryStream(TestFiles.Bytes("em-image-0.png")), "not.tif"));
        Assert.StartsWith("not.tif: ", ex.Message);
        Assert.Throws<ImageFormatException>(() => TiffImages.Read(new MemoryStream(new byte[3]), "tiny.tif"));
        Assert.Throws<ImageFormatException>(() => TiffImages.Read(new MemoryStream(new byte[4096]), "zeros.tif"));
    }

    [Theory]
    [InlineData("img2d_256.tif", 0)]
    [InlineData("mask2d_256.tif", 0)]
    [InlineData("smlm-training-stack.tif", 0)]
    [InlineData("dsb-colour-labels.tif", 0)]
    [InlineData("tiled-int16-deflate.tif", 0)]
    [InlineData("tifffile-hyperstack.tif", 3066)] // the last 16 bytes are unreferenced padding
    public void TruncatedFilesAlwaysFailWithImageFormatException(string name, int usedBytes)
    {
        var bytes = TestFiles.Bytes(name);
        var used = usedBytes == 0 ? bytes.Length : usedBytes;
        Assert.NotEmpty(TiffImages.Read(new MemoryStream(bytes, 0, used), name).Pixels);
        var lengths = new SortedSet<int> { 0, 1, 4, 7, 8, 9, 16, 100, 200, used - 1, used - 2, used - 4, used - 8, used / 2 };
        for (var k = 1; k < 60; k++) lengths.Add((int)((long)used * k / 60));
        foreach (var length in lengths.Where(l => l >= 0 && l < used))
        {
            var ex = Assert.Throws<ImageFormatException>(() => TiffImages.Read(new MemoryStream(bytes, 0, length), name));
            Assert.StartsWith(name + ": ", ex.Message);
        }
    }

    [Fact]
    public void TruncatedSingleIfdImageJStackFails()
    {
        // pixels of all 12 planes follow the only IFD and end at byte 1256; the rest are orphaned IFDs
        var bytes = TestFiles.Bytes("imagej-single-ifd.tif");
        Assert.Equal(12 * 5 * 7, TiffImages.Read(new MemoryStream(bytes, 0, 1256), "ij.tif").Pixels.Length);
        foreach (var length in new[] { 1255, 1200, 700, 500, 420, 300, 100, 10 })
            Assert.Throws<ImageFormatException>(() => TiffImages.Read(new MemoryStream(bytes, 0, length), "ij.tif"));
        var ex = Assert.Throws<ImageFormatException>(() => TiffImages.Read(new MemoryStream(bytes, 0, 1000), "ij.tif"));
        Assert.Contains("ImageJ stack of 12 images needs bytes up to 1256 but the file has 1000", ex.Message);
    }

    [Fact]
    public void TruncatedStripGivesPreciseMessage()
    {
        var bytes = TestFiles.Bytes("img2d_256.tif"); // one strip of 65536 bytes at offset 268
        var ex = Assert.Throws<ImageFormatException>(() => TiffImages.Read(new MemoryStream(bytes, 0, 65000), "cell.tif"));
        Assert.Contains("cell.tif: truncated TIFF", ex.Message);
        Assert.Contains("but the file has 65000", ex.Message);
    }

    [Fact]
    public void TruncatedCompressedWrittenFilesFail()
    {
        var image = new ImageData("ZYX", new[] { 3, 40, 30 }, Enumerable.Range(0, 3600).Select(i => (float)(i * 37 % 1000)).ToArray());
        foreach (var compression in new[] { TiffCompression.Lzw, TiffCompression.Deflate, TiffCompression.None })
        {
            var bytes = TiffImages.WriteToBytes(image, PixelType.UInt16, compression);
            Assert.Equal(image.Pixels, TiffImages.Read(new MemoryStream(bytes), "ok.tif").Pixels);
            for (var k = 1; k < 30; k++)
            {
                var length = bytes.Length * k / 30;
                Assert.Throws<ImageFormatException>(() => TiffImages.Read(new MemoryStream(bytes, 0, length), "cut.tif"));
            }
        }
    }

    [Fact]
    public void CorruptCompressedDataFails()
    {
        var image = ImageData.Create2D(64, 64, Synthetic.Smooth(64, 64).Select(v => v * 1000).ToArray());
        var bytes = TiffImages.WriteToBytes(image, PixelType.UInt16, TiffCompression.Deflate);
        // overwrite the start of the deflate stream (pixel data follows the 8-byte header)
        for (var i = 8; i < 40; i++) bytes[i] = 0xFF;
        Assert.Throws<ImageFormatException>(() => TiffImages.Read(new MemoryStream(bytes), "corrupt.tif"));
    }

    [Theory]
    [InlineData("img2d_256.tif")]
    [InlineData("dsb-grey-labels.tif")]
    [InlineData("tifffile-hyperstack.tif")]
    [InlineData("tiled-int16-deflate.tif")]
    [InlineData("rgb-planar.tif")]
    public void CorruptHeadersOnlyEverRaiseImageFormatException(string name)
    {
        var bytes = TestFiles.Bytes(name);
        var random = new Random(11);
        for (var trial = 0; trial < 400; trial++)
        {
            var corrupt = (byte[])bytes.Clone();
            for (var k = random.Next(1, 6); k > 0; k--)
                corrupt[random.Next(Math.Min(corrupt.Length, 600))] = (byte)random.Next(256);
            try
            {
                TiffImages.Read(new MemoryStream(corrupt), name);
            }
            catch (ImageFormatException)
            {
            }
        }
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
