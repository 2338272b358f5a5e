using System.Runtime.InteropServices;
using SkiaSharp;

namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// Reads image files by extension: .tif/.tiff with <see cref="TiffImages"/>, .png/.jpg/.jpeg with SkiaSharp.
/// PNG/JPEG: 8-bit grey stays exact (UInt8, 0..255); 16-bit PNG is refused (SkiaSharp decodes it only through
/// half floats, which would lose precision: use TIFF); colour becomes
/// grey luminance 0.2125 R + 0.7154 G + 0.0721 B on the file's own scale (like skimage rgb2gray, but not
/// rescaled to 0..1; PixelType Float32), alpha is dropped, and an image whose R, G and B are equal
/// everywhere stays exact grey. No colour-space conversion is applied.
/// </summary>
public static class ImageFiles
{
    private static readonly string[] Extensions = { ".tif", ".tiff", ".png", ".jpg", ".jpeg" };
    private static readonly byte[] PngSignature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

    public static bool IsImageFile(string path) =>
        Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    public static ImageData Read(string path)
    {
        var name = Path.GetFileName(path);
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".tif" or ".tiff":
                return TiffImages.Read(path);
            case ".png" or ".jpg" or ".jpeg":
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                return ReadWithSkia(stream, name);
            }
            default:
                throw new ImageFormatException(
                    $"{name}: unsupported image format '{Path.GetExtension(path)}' (expected .tif, .tiff, .png, .jpg or .jpeg)");
        }
    }

    /// <summary>Saves an 8-bit grey PNG (covers, figures); the file appears atomically.</summary>
    public static void SavePng8(string path, byte[] grey, int height, int width)
    {
        if (height <= 0 || width <= 0 || grey.Length != (long)height * width)
            throw new ArgumentException($"{grey.Length} bytes do not make a {height}x{width} image");
        var info = new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        Marshal.Copy(grey, 0, bitmap.GetPixels(), grey.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new IOException($"{Path.GetFileName(path)}: PNG encoding failed");
        AtomicFile.WriteAllBytes(path, data.ToArray());
    }

    private static ImageData ReadWithSkia(Stream stream, string name)
    {
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        // Skia decodes 16-bit PNG only through half floats (11-bit mantissa): refuse rather than lose precision.
        if (bytes.Length > 25 && bytes.AsSpan(0, 8).SequenceEqual(PngSignature) && bytes[24] == 16)
            throw new ImageFormatException($"{name}: 16-bit PNG cannot be decoded without loss here; save the image as a 16-bit TIFF");
        using var codec = SKCodec.Create(new MemoryStream(bytes, writable: false), out var created)
            ?? throw new ImageFormatException($"{name}: not a readable PNG or JPEG ({created})");
        var width = codec.Info.Width;
        var height = codec.Info.Height;
        if (width <= 0 || height <= 0 || (long)width * height > Array.MaxLength / 8)
            throw new ImageFormatException($"{name}: invalid or too large size {width}x{height}");
        var pixels = new float[width * height];

        if (codec.Info.ColorType == SKColorType.Gray8)
        {
            var grey = Decode<byte>(codec, name, new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque), 1);
            for (var i = 0; i < pixels.Length; i++) pixels[i] = grey[i];
            return ImageData.Create2D(height, width, pixels, PixelType.UInt8);
        }
        var rgba = Decode<byte>(codec, name, new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), 4);
        var greyExact = ToGrey(rgba, pixels);
        return ImageData.Create2D(height, width, pixels, greyExact ? PixelType.UInt8 : PixelType.Float32);
    }

    private static T[] Decode<T>(SKCodec codec, string name, SKImageInfo info, int samples) where T : unmanaged
    {
        var buffer = new T[(long)info.Width * info.Height * samples];
        var handle = GCHandle.Alloc(buffer, GCHandleType.Pinned);
        try
        {
            var result = codec.GetPixels(info, handle.AddrOfPinnedObject());
            if (result != SKCodecResult.Success)
                throw new ImageFormatException(result == SKCodecResult.IncompleteInput
                    ? $"{name}: truncated image data"
                    : $"{name}: cannot decode image ({result})");
        }
        finally
        {
            handle.Free();
        }
        return buffer;
    }

    /// <summary>RGBA to grey luminance; returns true (and copies R) when R, G and B are equal everywhere.</summary>
    private static bool ToGrey(byte[] rgba, float[] grey)
    {
        var equal = true;
        for (var i = 0; i < grey.Length && equal; i++)
            equal = rgba[4 * i] == rgba[4 * i + 1] && rgba[4 * i] == rgba[4 * i + 2];
        for (var i = 0; i < grey.Length; i++)
            grey[i] = equal ? rgba[4 * i] : Luminance.Of(rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]);
        return equal;
    }
}
