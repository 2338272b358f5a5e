namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// TIFF reading and writing. Reading accepts uncompressed, LZW, deflate (Adobe and old), PackBits and
/// whatever else LibTiff.NET decodes; 1/8/16/32-bit integer, 16/32/64-bit float; strips or tiles; multi-page.
/// Axes: one page is "YX"; several pages follow the ImageJ description (TZCYX minus size-1 axes, pages
/// stored channel fastest) and are "ZYX" without one. RGB pages become grey luminance
/// (0.2125 R + 0.7154 G + 0.0721 B, as skimage rgb2gray, PixelType Float32) unless all three channels are
/// equal, in which case they stay exact; an alpha sample is ignored. Calibration comes from
/// X/YResolution (pixel size = 1/resolution) and the ImageJ unit, spacing and finterval.
/// </summary>
public static class TiffImages
{
    public static ImageData Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, Path.GetFileName(path));
    }

    /// <summary>Reads a TIFF from a stream (copied to memory first if it cannot seek); the stream is left open.</summary>
    public static ImageData Read(Stream stream, string name) => TiffReader.Read(stream, name);

    /// <summary>
    /// Writes an ImageJ-compatible TIFF: one page per plane in ImageJ order (leading axes in any order of T, Z,
    /// C become a hyperstack; other leading axes a plain stack of slices), the ImageJ description (without
    /// "images=", so ImageJ reads every IFD) and resolution tags; values are rounded half to even and clamped
    /// for integer types (NaN becomes 0). The file appears atomically (temporary file in the same folder, then rename).
    /// </summary>
    public static void Write(string path, ImageData image, PixelType type, TiffCompression compression = TiffCompression.None)
    {
        var name = Path.GetFileName(path);
        AtomicFile.Write(path, stream => TiffWriter.Write(stream, image, type, compression, name));
    }

    public static byte[] WriteToBytes(ImageData image, PixelType type, TiffCompression compression = TiffCompression.None)
    {
        using var stream = new MemoryStream();
        TiffWriter.Write(stream, image, type, compression, "image.tif");
        return stream.ToArray();
    }
}
