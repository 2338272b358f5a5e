using System.Text;

namespace ZeroCostDL4Mic.Imaging.Tests;

public class TiffWriteTests
{
    public static TheoryData<PixelType, TiffCompression> AllTypesAndCompressions()
    {
        var data = new TheoryData<PixelType, TiffCompression>();
        foreach (var type in Enum.GetValues<PixelType>())
            foreach (var compression in Enum.GetValues<TiffCompression>())
                data.Add(type, compression);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllTypesAndCompressions))]
    public void RoundTripsEveryTypeAndCompression(PixelType type, TiffCompression compression)
    {
        var (lo, hi) = type switch
        {
            PixelType.UInt8 => (0.0, 255.0),
            PixelType.UInt16 => (0.0, 65535.0),
            PixelType.Int32 => (-2_000_000.0, 2_000_000.0),
            _ => (-3.5, 1e6),
        };
        var random = new Random(5);
        var pixels = Enumerable.Range(0, 37 * 53).Select(_ => (float)(lo + (hi - lo) * random.NextDouble())).ToArray();
        if (type != PixelType.Float32)
            for (var i = 0; i < pixels.Length; i++) pixels[i] = MathF.Round(pixels[i]);
        var image = ImageData.Create2D(37, 53, pixels, type);

        using var scratch = new ScratchFolder();
        var path = scratch.File("round.tif");
        TiffImages.Write(path, image, type, compression);
        var back = TiffImages.Read(path);
        Assert.Equal("YX", back.Axes);
        Assert.Equal(type, back.PixelType);
        Assert.Equal(pixels, back.Pixels);
        Assert.Single(Directory.GetFiles(scratch.Root)); // no temporary file left behind
    }

    [Fact]
    public void ConvertsWithRoundingHalfToEvenAndClamping()
    {
        var pixels = new[] { -3f, 0.5f, 1.5f, 2.5f, 254.6f, 300f, float.NaN, 70000f };
        var image = ImageData.Create2D(2, 4, pixels);
        var u8 = TiffImages.Read(new MemoryStream(TiffImages.WriteToBytes(image, PixelType.UInt8)), "a.tif");
        Assert.Equal(new[] { 0f, 0, 2, 2, 255, 255, 0, 255 }, u8.Pixels);
        var u16 = TiffImages.Read(new MemoryStream(TiffImages.WriteToBytes(image, PixelType.UInt16)), "b.tif");
        Assert.Equal(new[] { 0f, 0, 2, 2, 255, 300, 0, 65535 }, u16.Pixels);
        var i32 = TiffImages.Read(new MemoryStream(TiffImages.WriteToBytes(image, PixelType.Int32)), "c.tif");
        Assert.Equal(new[] { -3f, 0, 2, 2, 255, 300, 0, 70000 }, i32.Pixels);
    }

    [Theory]
    [InlineData(TiffCompression.None)]
    [InlineData(TiffCompression.Lzw)]
    [InlineData(TiffCompression.Deflate)]
    public void RoundTripsTimeSeriesWithCalibration(TiffCompression compression)
    {
        var pixels = Enumerable.Range(0, 4 * 20 * 30).Select(i => (float)(i % 977)).ToArray();
        var calibration = new Calibration(0.325, 0.325, 0, "\u00b5m", 2.5);
        var image = new ImageData("TYX", new[] { 4, 20, 30 }, pixels, PixelType.UInt16, calibration);
        var bytes = TiffImages.WriteToBytes(image, PixelType.UInt16, compression);
        var back = TiffImages.Read(new MemoryStream(bytes), "t.tif");
        Assert.Equal("TYX", back.Axes);
        Assert.Equal(new[] { 4, 20, 30 }, back.Shape);
        Assert.Equal(pixels, back.Pixels);
        Assert.Equal(0.325, back.Calibration.PixelSizeX, 6);
        Assert.Equal(0.325, back.Calibration.PixelSizeY, 6);
        Assert.Equal("\u00b5m", back.Calibration.Unit);
        Assert.Equal(2.5, back.Calibration.FrameIntervalSeconds);

        var description = ImageJDescriptionOf(bytes);
        Assert.StartsWith("ImageJ=1.54f\n", description);
        Assert.Contains("frames=4\n", description);
        Assert.Contains("unit=\\u00B5m\n", description);
        Assert.Contains("finterval=2.5\n", description);
        Assert.Contains("loop=false\n", description);
        Assert.DoesNotContain("images=", description);
    }

    [Fact]
    public void RoundTripsZStackWithSpacing()
    {
        var pixels = Synthetic.Smooth(5 * 16, 24);
        var image = new ImageData("ZYX", new[] { 5, 16, 24 }, pixels, PixelType.Float32, new Calibration(0.1, 0.2, 0.5, "micron"));
        var back = TiffImages.Read(new MemoryStream(TiffImages.WriteToBytes(image, PixelType.Float32, TiffCompression.Deflate)), "z.tif");
        Assert.Equal("ZYX", back.Axes);
        Assert.Equal(pixels, back.Pixels);
        Assert.Equal(0.5, back.Calibration.PixelSizeZ);
        Assert.Equal("micron", back.Calibration.Unit);
        Assert.Equal(0.1, back.Calibration.PixelSizeX, 6);
        Assert.Equal(0.2, back.Calibration.PixelSizeY, 6);
    }

    [Fact]
    public void WritesHyperstackInImageJOrderWhateverTheAxisOrder()
    {
        // stored as C, T, Z: ImageJ wants channel fastest, then slice, then frame
        var shape = new[] { 2, 3, 4, 6, 5 };
        var pixels = new float[2 * 3 * 4 * 6 * 5];
        for (var c = 0; c < 2; c++)
        for (var t = 0; t < 3; t++)
        for (var z = 0; z < 4; z++)
        for (var p = 0; p < 30; p++)
            pixels[(((c * 3 + t) * 4 + z) * 30) + p] = 1000 * c + 100 * t + 10 * z + p % 7;
        var image = new ImageData("CTZYX", shape, pixels, PixelType.UInt16);
        var bytes = TiffImages.WriteToBytes(image, PixelType.UInt16, TiffCompression.Lzw);
        var back = TiffImages.Read(new MemoryStream(bytes), "h.tif");
        Assert.Equal("TZCYX", back.Axes);
        Assert.Equal(new[] { 3, 4, 2, 6, 5 }, back.Shape);
        for (var t = 0; t < 3; t++)
        for (var z = 0; z < 4; z++)
        for (var c = 0; c < 2; c++)
        for (var p = 0; p < 30; p++)
            Assert.Equal(1000 * c + 100 * t + 10 * z + p % 7, back.Pixels[(((t * 4 + z) * 2 + c) * 30) + p]);
        var description = ImageJDescriptionOf(bytes);
        Assert.Contains("channels=2\nslices=4\nframes=3\nhyperstack=true\n", description);
    }

    [Fact]
    public void WritesUnknownLeadingAxesAsPlainStack()
    {
        var pixels = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(i => (float)i).ToArray();
        var image = new ImageData("SQYX", new[] { 2, 3, 4, 5 }, pixels);
        var back = TiffImages.Read(new MemoryStream(TiffImages.WriteToBytes(image, PixelType.Float32)), "s.tif");
        Assert.Equal("ZYX", back.Axes);
        Assert.Equal(pixels, back.Pixels);
    }

    [Fact]
    public void ReadsBackRealFilesAfterRewriting()
    {
        foreach (var name in new[] { "smlm-training-stack.tif", "tifffile-hyperstack.tif", "mask2d_256.tif" })
        {
            var image = TiffImages.Read(TestFiles.Path(name));
            var back = TiffImages.Read(new MemoryStream(TiffImages.WriteToBytes(image, image.PixelType, TiffCompression.Deflate)), name);
            Assert.Equal(image.Axes, back.Axes);
            Assert.Equal(image.Shape, back.Shape);
            Assert.Equal(image.Pixels, back.Pixels);
            Assert.Equal(image.Calibration.Unit, back.Calibration.Unit);
            Assert.Equal(image.Calibration.PixelSizeX, back.Calibration.PixelSizeX, 6);
        }
    }

    [Fact]
    public void AtomicWriteReplacesExistingFile()
    {
        using var scratch = new ScratchFolder();
        var path = scratch.File("out.tif");
        File.WriteAllText(path, "old");
        TiffImages.Write(path, ImageData.Create2D(2, 2, new float[] { 1, 2, 3, 4 }), PixelType.UInt8);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, TiffImages.Read(path).Pixels);
        Assert.Single(Directory.GetFiles(scratch.Root));
    }

    [Theory]
    [InlineData(TiffCompression.Lzw, PixelType.UInt16, 2)]
    [InlineData(TiffCompression.Lzw, PixelType.Float32, 1)]
    [InlineData(TiffCompression.Deflate, PixelType.UInt8, 1)] // ImageJ 1.52 misreads deflate with differencing
    [InlineData(TiffCompression.Deflate, PixelType.UInt16, 1)]
    public void UsesHorizontalPredictorOnlyWhereImageJReadsIt(TiffCompression compression, PixelType type, int predictor)
    {
        var bytes = TiffImages.WriteToBytes(ImageData.Create2D(8, 8, Synthetic.Smooth(8, 8)), type, compression);
        using var tif = BitMiracle.LibTiff.Classic.Tiff.ClientOpen("p.tif", "r", new MemoryStream(bytes), new BitMiracle.LibTiff.Classic.TiffStream());
        var field = tif.GetFieldDefaulted(BitMiracle.LibTiff.Classic.TiffTag.PREDICTOR);
        Assert.Equal(predictor, field[0].ToInt());
    }

    /// <summary>The first ImageDescription in a little-endian classic TIFF, found by its text.</summary>
    private static string ImageJDescriptionOf(byte[] tiff)
    {
        var text = Encoding.Latin1.GetString(tiff);
        var start = text.IndexOf("ImageJ=", StringComparison.Ordinal);
        Assert.True(start >= 0, "no ImageJ description");
        var end = text.IndexOf('\0', start);
        return text[start..end];
    }
}
