using BitMiracle.LibTiff.Classic;

namespace ZeroCostDL4Mic.Imaging;

/// <summary>The layout of one TIFF directory (page), read from its tags.</summary>
internal sealed record TiffPage(
    int Index, int Width, int Height, int BitsPerSample, int SamplesPerPixel, SampleFormat Format,
    Photometric Photometric, bool Separate, bool Tiled, Compression Compression, bool IsReducedResolution,
    int ExtraSamples, long[] Offsets, long[] ByteCounts, string? Description, double XResolution,
    double YResolution, ResUnit ResolutionUnit)
{
    public int SamplePlanes => Separate ? SamplesPerPixel : 1;

    public bool IsRgb => Photometric == Photometric.RGB && SamplesPerPixel >= 3;

    public PixelType PixelType => (Format, BitsPerSample) switch
    {
        (_, 1) => PixelType.UInt8,
        (SampleFormat.IEEEFP, _) => PixelType.Float32,
        (_, 64) => PixelType.Float32,
        (SampleFormat.INT, _) => PixelType.Int32,
        (_, 8) => PixelType.UInt8,
        (_, 16) => PixelType.UInt16,
        _ => PixelType.Int32,
    };

    public string Describe() =>
        $"{Width}x{Height} {BitsPerSample}-bit {Format.ToString().ToLowerInvariant()} with {SamplesPerPixel} sample(s) per pixel";

    public bool SameLayoutAs(TiffPage other) =>
        Width == other.Width && Height == other.Height && BitsPerSample == other.BitsPerSample
        && SamplesPerPixel == other.SamplesPerPixel && Format == other.Format;

    public static TiffPage Read(Tiff tif, string name, int index)
    {
        string Where() => index == 0 ? "" : $"page {index + 1}: ";
        int Required(TiffTag tag, string what) =>
            tif.GetField(tag) is { Length: > 0 } v ? v[0].ToInt() : throw TiffReader.Fail(name, $"{Where()}no {what} tag");
        int Defaulted(TiffTag tag, int fallback) =>
            tif.GetFieldDefaulted(tag) is { Length: > 0 } v ? v[0].ToInt() : fallback;

        var width = Required(TiffTag.IMAGEWIDTH, "ImageWidth");
        var height = Required(TiffTag.IMAGELENGTH, "ImageLength");
        if (width <= 0 || height <= 0)
            throw TiffReader.Fail(name, $"{Where()}invalid size {width}x{height}");
        if ((long)width * height > Array.MaxLength)
            throw TiffReader.Fail(name, $"{Where()}{width}x{height} pixels is too large for one plane");

        var bits = Defaulted(TiffTag.BITSPERSAMPLE, 1);
        var samples = Defaulted(TiffTag.SAMPLESPERPIXEL, 1);
        if (samples <= 0 || samples > 64)
            throw TiffReader.Fail(name, $"{Where()}invalid SamplesPerPixel {samples}");
        var format = (SampleFormat)Defaulted(TiffTag.SAMPLEFORMAT, (int)SampleFormat.UINT);
        if (format == SampleFormat.VOID) format = SampleFormat.UINT;
        var photometric = tif.GetField(TiffTag.PHOTOMETRIC) is { Length: > 0 } p
            ? (Photometric)p[0].ToInt()
            : samples >= 3 ? Photometric.RGB : Photometric.MINISBLACK;
        var separate = Defaulted(TiffTag.PLANARCONFIG, (int)PlanarConfig.CONTIG) == (int)PlanarConfig.SEPARATE;
        var compression = (Compression)Defaulted(TiffTag.COMPRESSION, (int)Compression.NONE);
        var subfile = tif.GetField(TiffTag.SUBFILETYPE) is { Length: > 0 } s ? s[0].ToInt() : 0;
        var extra = tif.GetField(TiffTag.EXTRASAMPLES) is { Length: > 0 } e ? e[0].ToInt() : 0;
        var tiled = tif.IsTiled();
        var offsets = tif.GetField(tiled ? TiffTag.TILEOFFSETS : TiffTag.STRIPOFFSETS) is { Length: > 0 } o
            ? o[0].TolongArray() : Array.Empty<long>();
        var counts = tif.GetField(tiled ? TiffTag.TILEBYTECOUNTS : TiffTag.STRIPBYTECOUNTS) is { Length: > 0 } c
            ? c[0].TolongArray() : Array.Empty<long>();
        var description = tif.GetField(TiffTag.IMAGEDESCRIPTION) is { Length: > 0 } d ? d[0].ToString() : null;
        var xres = tif.GetField(TiffTag.XRESOLUTION) is { Length: > 0 } xr ? xr[0].ToDouble() : 0;
        var yres = tif.GetField(TiffTag.YRESOLUTION) is { Length: > 0 } yr ? yr[0].ToDouble() : 0;
        var unit = (ResUnit)Defaulted(TiffTag.RESOLUTIONUNIT, (int)ResUnit.INCH);
        return new TiffPage(index, width, height, bits, samples, format, photometric, separate, tiled, compression,
            (subfile & 1) != 0, extra, offsets, counts, description, xres, yres, unit);
    }
}
