using System.Runtime.InteropServices;
using BitMiracle.LibTiff.Classic;

namespace ZeroCostDL4Mic.Imaging;

/// <summary>Writes ImageJ-compatible TIFF (one grey page per plane, ImageJ description, resolution tags) with LibTiff.NET.</summary>
internal static class TiffWriter
{
    private const int TargetStripBytes = 256 * 1024;

    public static void Write(Stream stream, ImageData image, PixelType type, TiffCompression compression, string name)
    {
        var (channels, slices, frames, sourcePlane) = ImageJOrder(image);
        var height = image.Height;
        var width = image.Width;
        var planeCount = channels * slices * frames;
        var bytesPerSample = type switch { PixelType.UInt8 => 1, PixelType.UInt16 => 2, _ => 4 };
        var planeBytes = (long)height * width * bytesPerSample;
        if (planeBytes > Array.MaxLength)
            throw new ArgumentException($"a {width}x{height} plane is too large for one TIFF page");
        var bigTiff = planeBytes * planeCount > 0xF000_0000L; // classic TIFF offsets stop at 4 GiB

        double? displayMin = null, displayMax = null;
        if (type != PixelType.UInt8)
        {
            var (lo, hi) = ConvertedRange(image.Pixels, type);
            displayMin = lo;
            displayMax = hi;
        }
        var description = ImageJDescription.Build(channels, slices, frames, image.Calibration, displayMin, displayMax);

        using var diagnostics = TiffDiagnostics.Capture();
        using var tif = Tiff.ClientOpen(name, bigTiff ? "w8" : "w", stream, new NonClosingTiffStream())
            ?? throw new IOException($"{name}: cannot start a TIFF: {diagnostics.Describe()}");
        var rowBytes = width * bytesPerSample;
        var rowsPerStrip = Math.Clamp(TargetStripBytes / rowBytes, 1, height);
        var bytes = new byte[planeBytes];
        for (var page = 0; page < planeCount; page++)
        {
            SetTags(tif, image, type, compression, width, height, rowsPerStrip, page == 0 ? description : null);
            ConvertPlane(image.Plane(sourcePlane[page]).Span, type, bytes);
            for (int strip = 0, row = 0; row < height; strip++, row += rowsPerStrip)
            {
                var rows = Math.Min(rowsPerStrip, height - row);
                if (tif.WriteEncodedStrip(strip, bytes, row * rowBytes, rows * rowBytes) < 0)
                    throw new IOException($"{name}: writing page {page + 1} strip {strip + 1} failed: {diagnostics.Describe()}");
            }
            if (!tif.WriteDirectory())
                throw new IOException($"{name}: writing page {page + 1} failed: {diagnostics.Describe()}");
        }
        tif.Flush();
        if (diagnostics.HasErrors)
            throw new IOException($"{name}: TIFF writer reported: {diagnostics.Describe()}");
    }

    private static void SetTags(Tiff tif, ImageData image, PixelType type, TiffCompression compression, int width, int height, int rowsPerStrip, string? description)
    {
        var bits = type switch { PixelType.UInt8 => 8, PixelType.UInt16 => 16, _ => 32 };
        tif.SetField(TiffTag.SUBFILETYPE, 0);
        tif.SetField(TiffTag.IMAGEWIDTH, width);
        tif.SetField(TiffTag.IMAGELENGTH, height);
        tif.SetField(TiffTag.BITSPERSAMPLE, bits);
        tif.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        tif.SetField(TiffTag.SAMPLEFORMAT, type switch
        {
            PixelType.Float32 => SampleFormat.IEEEFP,
            PixelType.Int32 => SampleFormat.INT,
            _ => SampleFormat.UINT,
        });
        tif.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
        tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tif.SetField(TiffTag.ROWSPERSTRIP, rowsPerStrip);
        tif.SetField(TiffTag.COMPRESSION, compression switch
        {
            TiffCompression.Lzw => Compression.LZW,
            TiffCompression.Deflate => Compression.ADOBE_DEFLATE,
            _ => Compression.NONE,
        });
        // Horizontal differencing with LZW only: ImageJ 1.52 misreads it after deflate, and 32-bit stays plain.
        if (compression == TiffCompression.Lzw && bits <= 16)
            tif.SetField(TiffTag.PREDICTOR, Predictor.HORIZONTAL);
        var calibration = image.Calibration;
        if (calibration.PixelSizeX > 0 && double.IsFinite(calibration.PixelSizeX))
        {
            var y = calibration.PixelSizeY > 0 && double.IsFinite(calibration.PixelSizeY) ? calibration.PixelSizeY : calibration.PixelSizeX;
            tif.SetField(TiffTag.XRESOLUTION, 1 / calibration.PixelSizeX);
            tif.SetField(TiffTag.YRESOLUTION, 1 / y);
            tif.SetField(TiffTag.RESOLUTIONUNIT, calibration.Unit switch
            {
                "inch" => ResUnit.INCH,
                "cm" => ResUnit.CENTIMETER,
                _ => ResUnit.NONE, // ImageJ keeps other units in the description
            });
        }
        if (description is not null)
            tif.SetField(TiffTag.IMAGEDESCRIPTION, description);
    }

    /// <summary>
    /// Maps the image's leading axes (any order of T, Z, C) to ImageJ's page order, channel fastest, then
    /// slice, then frame. Returns the sizes and, for each page, the index of the source plane. Leading axes
    /// with no ImageJ meaning (e.g. S) are written as a plain stack of slices in their stored order.
    /// </summary>
    private static (int Channels, int Slices, int Frames, int[] SourcePlane) ImageJOrder(ImageData image)
    {
        if (!image.Axes.EndsWith("YX", StringComparison.Ordinal))
            throw new ArgumentException($"axes '{image.Axes}' must end in YX to be written as TIFF");
        var leading = image.Axes[..^2];
        var hyperstack = leading.All(a => a is 'T' or 'Z' or 'C') && leading.Distinct().Count() == leading.Length;
        if (!hyperstack)
            return (1, image.PlaneCount, 1, Enumerable.Range(0, image.PlaneCount).ToArray());

        var strides = new int[leading.Length];
        for (int i = leading.Length - 1, step = 1; i >= 0; i--)
        {
            strides[i] = step;
            step *= image.Shape[i];
        }
        int Size(char axis) => leading.IndexOf(axis) is var i and >= 0 ? image.Shape[i] : 1;
        int Stride(char axis) => leading.IndexOf(axis) is var i and >= 0 ? strides[i] : 0;
        int c = Size('C'), z = Size('Z'), t = Size('T');
        var map = new int[c * z * t];
        var n = 0;
        for (var ti = 0; ti < t; ti++)
        for (var zi = 0; zi < z; zi++)
        for (var ci = 0; ci < c; ci++)
            map[n++] = ti * Stride('T') + zi * Stride('Z') + ci * Stride('C');
        return (c, z, t, map);
    }

    private static (double Min, double Max) ConvertedRange(float[] pixels, PixelType type)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var v in pixels)
        {
            if (float.IsNaN(v)) continue;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        if (lo > hi) return (0, 0);
        return (Clamp(lo, type), Clamp(hi, type));
    }

    private static double Clamp(double v, PixelType type) => type switch
    {
        PixelType.UInt16 => Math.Clamp(Math.Round(v, MidpointRounding.ToEven), 0, ushort.MaxValue),
        PixelType.Int32 => Math.Clamp(Math.Round(v, MidpointRounding.ToEven), int.MinValue, int.MaxValue),
        _ => v,
    };

    /// <summary>Integer types round half to even (numpy rint) and clamp; NaN becomes 0.</summary>
    internal static void ConvertPlane(ReadOnlySpan<float> plane, PixelType type, byte[] bytes)
    {
        switch (type)
        {
            case PixelType.UInt8:
                for (var i = 0; i < plane.Length; i++)
                    bytes[i] = float.IsNaN(plane[i]) ? (byte)0 : (byte)Math.Clamp(MathF.Round(plane[i], MidpointRounding.ToEven), 0f, 255f);
                break;
            case PixelType.UInt16:
            {
                var output = MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan());
                for (var i = 0; i < plane.Length; i++)
                    output[i] = float.IsNaN(plane[i]) ? (ushort)0 : (ushort)Math.Clamp(MathF.Round(plane[i], MidpointRounding.ToEven), 0f, 65535f);
                break;
            }
            case PixelType.Int32:
            {
                var output = MemoryMarshal.Cast<byte, int>(bytes.AsSpan());
                for (var i = 0; i < plane.Length; i++)
                    output[i] = float.IsNaN(plane[i]) ? 0 : (int)Math.Clamp(Math.Round((double)plane[i], MidpointRounding.ToEven), int.MinValue, int.MaxValue);
                break;
            }
            default:
                MemoryMarshal.AsBytes(plane).CopyTo(bytes);
                break;
        }
    }
}
