namespace ZeroCostDL4Mic.Imaging.Tests;

public class ImageFilesTests
{
    [Fact]
    public void ReadsGreyPngExactly()
    {
        var image = ImageFiles.Read(TestFiles.Path("em-image-0.png"));
        Assert.Equal(new[] { 512, 512 }, image.Shape);
        Assert.Equal(PixelType.UInt8, image.PixelType);
        Assert.All(image.Pixels, v => Assert.Equal(MathF.Round(v), v));
        var (p01, p999) = (Percentiles.Compute(image.Pixels, 0.1, 99.9)[0], Percentiles.Compute(image.Pixels, 99.9)[0]);
        Assert.Equal(18.0, p01); // numpy
        Assert.Equal(229.0, p999);
        var label = ImageFiles.Read(TestFiles.Path("em-label-0.png"));
        Assert.All(label.Pixels, v => Assert.True(v is 0f or 255f));
    }

    [Fact]
    public void ReadsColourRgbaPngAsLuminance()
    {
        var image = ImageFiles.Read(TestFiles.Path("dsb-colour.png"));
        Assert.Equal(new[] { 256, 320 }, image.Shape);
        Assert.Equal(PixelType.Float32, image.PixelType);
        // skimage io.imread(as_gray=True) * 255
        Assert.Equal(199.3567, image.Pixels[0], 1e-4);
        Assert.Equal(203.0875, image.Pixels[100 * 320 + 200], 1e-4);
        Assert.Equal(15265052.6052, Synthetic.Sum(image.Pixels), 0);
    }

    [Fact]
    public void ReadsGreyStoredAsRgbaExactly()
    {
        var image = ImageFiles.Read(TestFiles.Path("dsb-grey.png"));
        Assert.Equal(new[] { 256, 256 }, image.Shape);
        Assert.Equal(PixelType.UInt8, image.PixelType);
        Assert.All(image.Pixels, v => Assert.Equal(MathF.Round(v), v));
    }

    [Fact]
    public void Refuses16BitPngRatherThanLosingPrecision()
    {
        using var scratch = new ScratchFolder();
        var path = scratch.File("sixteen.png");
        // 4x3 uint16, value 5000·k + 7, written by Pillow
        File.WriteAllBytes(path, Convert.FromBase64String(
            "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADEAAAAADBDy1ZAAAAHElEQVR4nGNgYBfuVxe3ms/ipyCsIKIgrABnAAA5YQPZ5MSWSQAAAABJRU5ErkJggg=="));
        var ex = Assert.Throws<ImageFormatException>(() => ImageFiles.Read(path));
        Assert.Contains("sixteen.png: 16-bit PNG", ex.Message);
    }

    [Fact]
    public void DispatchesOnExtension()
    {
        Assert.Equal(PixelType.UInt16, ImageFiles.Read(TestFiles.Path("mask2d_256.tif")).PixelType);
        Assert.True(ImageFiles.IsImageFile("a/b/c.TIF"));
        Assert.True(ImageFiles.IsImageFile("x.jpeg"));
        Assert.True(ImageFiles.IsImageFile("x.png"));
        Assert.False(ImageFiles.IsImageFile("x.csv"));
        Assert.False(ImageFiles.IsImageFile("x"));
        using var scratch = new ScratchFolder();
        var bmp = scratch.File("image.bmp");
        File.WriteAllBytes(bmp, new byte[10]);
        var ex = Assert.Throws<ImageFormatException>(() => ImageFiles.Read(bmp));
        Assert.StartsWith("image.bmp: ", ex.Message);
    }

    [Fact]
    public void BrokenPngFailsWithImageFormatException()
    {
        using var scratch = new ScratchFolder();
        var bytes = TestFiles.Bytes("em-image-0.png");
        var truncated = scratch.File("cut.png");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        Assert.Throws<ImageFormatException>(() => ImageFiles.Read(truncated));
        var garbage = scratch.File("garbage.jpg");
        File.WriteAllBytes(garbage, new byte[100]);
        Assert.Throws<ImageFormatException>(() => ImageFiles.Read(garbage));
    }

    [Fact]
    public void ReadsJpeg()
    {
        using var scratch = new ScratchFolder();
        var grey = Enumerable.Range(0, 32 * 48).Select(i => (byte)(100 + 50 * Math.Sin(i * 0.01))).ToArray();
        var path = scratch.File("grey.jpg");
        var info = new SkiaSharp.SKImageInfo(48, 32, SkiaSharp.SKColorType.Gray8, SkiaSharp.SKAlphaType.Opaque);
        using (var bitmap = new SkiaSharp.SKBitmap(info))
        {
            System.Runtime.InteropServices.Marshal.Copy(grey, 0, bitmap.GetPixels(), grey.Length);
            using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 95);
            File.WriteAllBytes(path, data.ToArray());
        }
        var image = ImageFiles.Read(path);
        Assert.Equal(new[] { 32, 48 }, image.Shape);
        Assert.Equal(PixelType.UInt8, image.PixelType);
        for (var i = 0; i < grey.Length; i++)
            Assert.InRange(image.Pixels[i], grey[i] - 4, grey[i] + 4); // lossy
    }

    [Fact]
    public void SavesAndReadsBackPng8()
    {
        using var scratch = new ScratchFolder();
        var path = scratch.File("cover.png");
        var grey = Enumerable.Range(0, 30 * 40).Select(i => (byte)(i * 7)).ToArray();
        ImageFiles.SavePng8(path, grey, 30, 40);
        var back = ImageFiles.Read(path);
        Assert.Equal(new[] { 30, 40 }, back.Shape);
        Assert.Equal(PixelType.UInt8, back.PixelType);
        Assert.Equal(grey.Select(b => (float)b), back.Pixels);
        Assert.Single(Directory.GetFiles(scratch.Root));
    }
}
