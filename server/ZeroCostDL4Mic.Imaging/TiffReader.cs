using System.Buffers.Binary;
using System.Runtime.InteropServices;
using BitMiracle.LibTiff.Classic;

namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// Decodes TIFF files with LibTiff.NET into <see cref="ImageData"/>, checking every return value and the
/// decoder's error log so that a truncated or corrupt file fails loudly instead of giving garbage.
/// </summary>
internal static class TiffReader
{
    public static ImageFormatException Fail(string name, string what) => new($"{name}: {what}");

    public static ImageData Read(Stream stream, string name)
    {
        var source = stream;
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            source = copy;
        }
        using var diagnostics = TiffDiagnostics.Capture();
        try
        {
            return ReadAll(source, name, diagnostics);
        }
        catch (ImageFormatException) { throw; }
        catch (OutOfMemoryException) { throw; }
        catch (Exception ex)
        {
            // LibTiff.NET can throw index or format errors on corrupt tags: report them as a bad file.
            throw new ImageFormatException($"{name}: corrupt TIFF: {ex.Message}", ex);
        }
    }

    private static ImageData ReadAll(Stream source, string name, TiffDiagnostics diagnostics)
    {
        var fileLength = source.Length;
        if (fileLength < 8)
            throw Fail(name, $"not a TIFF: the file has only {fileLength} bytes");
        // Every directory is checked to lie inside the file before LibTiff.NET reads it, so corrupt counts
        // cannot make it allocate wildly and a chain cut short cannot end the stack quietly.
        var layout = TiffDirectoryCheck.Read(source, name, fileLength);
        var next = layout.CheckDirectory(source, layout.FirstDirectory, fileLength, 0);
        var visited = new HashSet<long> { layout.FirstDirectory };
        source.Position = 0;
        using var tif = Tiff.ClientOpen(name, "r", source, new NonClosingTiffStream())
            ?? throw Fail(name, $"not a readable TIFF: {diagnostics.Describe()}");
        ThrowIfErrors(name, diagnostics, "bad TIFF directory");

        var planes = new List<float[]>();
        TiffPage? first = null;
        var anyColour = false;
        for (var index = 0; ; index++)
        {
            var page = TiffPage.Read(tif, name, index);
            ThrowIfErrors(name, diagnostics, $"bad TIFF directory {index + 1}");
            if (first is null || !page.IsReducedResolution) // thumbnails and pyramid levels are not planes
            {
                if (first is null) first = page;
                else if (!page.SameLayoutAs(first))
                    throw Fail(name, $"page {index + 1} is {page.Describe()} but page 1 is {first.Describe()}");
                if ((long)(planes.Count + 1) * first.Width * first.Height > Array.MaxLength)
                    throw Fail(name, $"more than {planes.Count} pages of {first.Width}x{first.Height} do not fit in memory");
                planes.Add(DecodePage(tif, page, name, fileLength, diagnostics, out var colour));
                anyColour |= colour;
            }
            if (next == 0) break;
            if (!visited.Add(next))
                throw Fail(name, $"corrupt TIFF: directory {index + 2} at byte {next} loops back to an earlier directory");
            var following = layout.CheckDirectory(source, next, fileLength, index + 1);
            if (!tif.ReadDirectory())
                throw Fail(name, $"corrupt TIFF: directory {index + 2} at byte {next} cannot be read: {diagnostics.Describe()}");
            next = following;
        }
        if (first is null)
            throw Fail(name, "the TIFF has no image");

        var imageJ = ImageJDescription.Parse(first.Description);
        if (imageJ?.Images is int images && images > 1 && planes.Count == 1)
            ReadImageJContiguousStack(source, tif.IsByteSwapped(), first, images, name, fileLength, planes);

        var (axes, leading) = Arrange(imageJ, planes.Count);
        var plane = first.Width * first.Height;
        var pixels = planes.Count == 1 ? planes[0] : new float[(long)plane * planes.Count];
        if (planes.Count > 1)
            for (var i = 0; i < planes.Count; i++) planes[i].CopyTo(pixels, (long)i * plane);
        var shape = leading.Concat(new[] { first.Height, first.Width }).ToArray();
        var type = anyColour ? PixelType.Float32 : first.PixelType;
        return new ImageData(axes, shape, pixels, type, ReadCalibration(first, imageJ));
    }

    /// <summary>ImageJ stores hyperstack pages channel fastest, then slice, then frame: axes TZCYX minus size-1 ones.</summary>
    private static (string Axes, int[] Leading) Arrange(ImageJDescription? imageJ, int count)
    {
        if (count == 1) return ("YX", Array.Empty<int>());
        if (imageJ is not null && (long)imageJ.Channels * imageJ.Slices * imageJ.Frames == count)
        {
            var letters = "";
            var sizes = new List<int>();
            foreach (var (letter, size) in new[] { ('T', imageJ.Frames), ('Z', imageJ.Slices), ('C', imageJ.Channels) })
            {
                if (size <= 1) continue;
                letters += letter;
                sizes.Add(size);
            }
            return (letters + "YX", sizes.ToArray());
        }
        if (imageJ is not null && imageJ.Frames == count) return ("TYX", new[] { count });
        return ("ZYX", new[] { count });
    }

    private static Calibration ReadCalibration(TiffPage page, ImageJDescription? imageJ)
    {
        var x = page.XResolution > 0 && double.IsFinite(page.XResolution) ? 1 / page.XResolution : 0;
        var y = page.YResolution > 0 && double.IsFinite(page.YResolution) ? 1 / page.YResolution : x;
        var unit = imageJ?.Unit ?? (x > 0 ? page.ResolutionUnit switch
        {
            ResUnit.INCH => "inch",
            ResUnit.CENTIMETER => "cm",
            _ => "",
        } : "");
        return new Calibration(x, y, imageJ?.Spacing ?? 0, unit, imageJ?.FrameIntervalSeconds ?? 0);
    }

    private static float[] DecodePage(Tiff tif, TiffPage page, string name, long fileLength, TiffDiagnostics diagnostics, out bool colour)
    {
        var where = page.Index == 0 ? "" : $"page {page.Index + 1}: ";
        if (page.BitsPerSample is not (1 or 8 or 16 or 32 or 64) || (page.BitsPerSample == 1 && page.Format != SampleFormat.UINT))
            throw Fail(name, $"{where}{page.BitsPerSample}-bit {page.Format} samples are not supported");
        if (page.Format == SampleFormat.IEEEFP && page.BitsPerSample == 8)
            throw Fail(name, $"{where}8-bit floating-point samples are not supported");
        if (page.Photometric is Photometric.YCBCR or Photometric.SEPARATED or Photometric.CIELAB or Photometric.ICCLAB or Photometric.ITULAB or Photometric.LOGL or Photometric.LOGLUV)
            throw Fail(name, $"{where}photometric interpretation {page.Photometric} is not supported; save the image as grey or RGB");
        if (page.SamplesPerPixel > 1 && !page.IsRgb && page.ExtraSamples != page.SamplesPerPixel - 1)
            throw Fail(name, $"{where}{page.SamplesPerPixel} samples per pixel that are neither RGB nor grey plus alpha are not supported; save channels as separate pages");

        CheckBlocksInsideFile(page, name, fileLength);
        var scanline = tif.ScanlineSize();
        var rowBits = (long)page.Width * page.BitsPerSample * (page.Separate ? 1 : page.SamplesPerPixel);
        if (scanline <= 0 || scanline != (rowBits + 7) / 8)
            throw Fail(name, $"{where}inconsistent row size {scanline} bytes for {page.Describe()}");
        var planeBytes = (long)scanline * page.Height;
        if (planeBytes * page.SamplePlanes > Array.MaxLength)
            throw Fail(name, $"{where}{planeBytes * page.SamplePlanes} bytes of pixels are too large for one page");
        var needed = planeBytes * page.SamplePlanes;
        var stored = page.ByteCounts.Sum();
        if (page.Compression == Compression.NONE && !page.Tiled && stored < needed)
            throw Fail(name, $"{where}corrupt TIFF: the strips hold {stored} bytes but a {page.Describe()} page needs {needed}");
        if (needed > stored * 2_000 + (1 << 20)) // deflate tops out near 1032:1 and LZW near 1400:1: a corrupt size tag
            throw Fail(name, $"{where}corrupt TIFF: {needed} bytes of pixels cannot come from {stored} stored bytes");
        var raw = new byte[needed];
        if (page.Tiled) ReadTiles(tif, page, name, raw, scanline, planeBytes);
        else ReadStrips(tif, page, name, raw, scanline, planeBytes, diagnostics);
        ThrowIfErrors(name, diagnostics, $"{where}corrupt pixel data");

        var plane = page.Width * page.Height;
        colour = false;
        if (!page.IsRgb)
        {
            var grey = new float[plane];
            ExtractSample(raw, page, scanline, planeBytes, 0, grey);
            return grey;
        }
        var r = new float[plane];
        var g = new float[plane];
        var b = new float[plane];
        ExtractSample(raw, page, scanline, planeBytes, 0, r);
        ExtractSample(raw, page, scanline, planeBytes, 1, g);
        ExtractSample(raw, page, scanline, planeBytes, 2, b);
        if (r.AsSpan().SequenceEqual(g) && g.AsSpan().SequenceEqual(b))
            return r; // grey stored as RGB stays exact
        colour = true;
        for (var i = 0; i < plane; i++)
            r[i] = Luminance.Of(r[i], g[i], b[i]);
        return r;
    }

    private static void CheckBlocksInsideFile(TiffPage page, string name, long fileLength)
    {
        var where = page.Index == 0 ? "" : $"page {page.Index + 1} ";
        var kind = page.Tiled ? "tile" : "strip";
        if (page.Offsets.Length == 0 || page.Offsets.Length != page.ByteCounts.Length)
            throw Fail(name, $"corrupt TIFF: {where}has {page.Offsets.Length} {kind} offsets and {page.ByteCounts.Length} byte counts");
        for (var i = 0; i < page.Offsets.Length; i++)
        {
            var end = page.Offsets[i] + page.ByteCounts[i];
            if (page.Offsets[i] < 0 || page.ByteCounts[i] < 0 || end > fileLength)
                throw Fail(name, $"truncated TIFF: {where}{kind} {i + 1} needs bytes up to {end} but the file has {fileLength}");
        }
    }

    private static void ReadStrips(Tiff tif, TiffPage page, string name, byte[] raw, int scanline, long planeBytes, TiffDiagnostics diagnostics)
    {
        var rowsPerStrip = tif.GetFieldDefaulted(TiffTag.ROWSPERSTRIP) is { Length: > 0 } v ? v[0].ToLong() : page.Height;
        if (rowsPerStrip <= 0 || rowsPerStrip > page.Height) rowsPerStrip = page.Height;
        var stripsPerPlane = (int)((page.Height + rowsPerStrip - 1) / rowsPerStrip);
        var strips = tif.NumberOfStrips();
        if (strips < stripsPerPlane * page.SamplePlanes)
            throw Fail(name, $"corrupt TIFF: page {page.Index + 1} has {strips} strips but {stripsPerPlane * page.SamplePlanes} are needed");
        for (var p = 0; p < page.SamplePlanes; p++)
        {
            for (var k = 0; k < stripsPerPlane; k++)
            {
                var strip = p * stripsPerPlane + k;
                var rows = (int)Math.Min(rowsPerStrip, page.Height - k * rowsPerStrip);
                var expected = rows * scanline;
                var offset = p * planeBytes + k * rowsPerStrip * scanline;
                var got = tif.ReadEncodedStrip(strip, raw, (int)offset, expected);
                if (got != expected)
                    throw Fail(name, $"corrupt TIFF: page {page.Index + 1} strip {strip + 1} ({page.Compression}) decoded to "
                        + $"{Math.Max(got, 0)} of {expected} bytes: {diagnostics.Describe()}");
            }
        }
    }

    private static void ReadTiles(Tiff tif, TiffPage page, string name, byte[] raw, int scanline, long planeBytes)
    {
        if (page.BitsPerSample < 8)
            throw Fail(name, "tiled TIFF with fewer than 8 bits per sample is not supported");
        var tileWidth = tif.GetField(TiffTag.TILEWIDTH)?[0].ToInt() ?? 0;
        var tileHeight = tif.GetField(TiffTag.TILELENGTH)?[0].ToInt() ?? 0;
        var tileRow = tif.TileRowSize();
        var tileSize = tif.TileSize();
        if (tileWidth <= 0 || tileHeight <= 0 || tileRow <= 0 || tileSize < tileRow * tileHeight)
            throw Fail(name, $"corrupt TIFF: invalid tile size {tileWidth}x{tileHeight}");
        var pixelBytes = page.BitsPerSample / 8 * (page.Separate ? 1 : page.SamplesPerPixel);
        var tile = new byte[tileSize];
        for (var p = 0; p < page.SamplePlanes; p++)
        for (var ty = 0; ty < page.Height; ty += tileHeight)
        for (var tx = 0; tx < page.Width; tx += tileWidth)
        {
            var number = tif.ComputeTile(tx, ty, 0, (short)p);
            var got = tif.ReadEncodedTile(number, tile, 0, tileSize);
            if (got != tileSize)
                throw Fail(name, $"corrupt TIFF: page {page.Index + 1} tile {number + 1} decoded to {Math.Max(got, 0)} of {tileSize} bytes");
            var rows = Math.Min(tileHeight, page.Height - ty);
            var cols = Math.Min(tileWidth, page.Width - tx);
            for (var r = 0; r < rows; r++)
                Buffer.BlockCopy(tile, r * tileRow, raw, (int)(p * planeBytes + (long)(ty + r) * scanline + (long)tx * pixelBytes), cols * pixelBytes);
        }
    }

    /// <summary>
    /// ImageJ writes stacks over 4 GiB (and some tools write any stack) as one IFD followed by all planes back to
    /// back, announced by "images=N" in the description.
    /// </summary>
    private static void ReadImageJContiguousStack(Stream source, bool swapped, TiffPage page, int images, string name, long fileLength, List<float[]> planes)
    {
        if (page.Compression != Compression.NONE || page.SamplesPerPixel != 1 || page.BitsPerSample < 8 || page.Tiled)
            return;
        for (var i = 0; i + 1 < page.Offsets.Length; i++)
            if (page.Offsets[i] + page.ByteCounts[i] != page.Offsets[i + 1]) return;
        var bytesPerSample = page.BitsPerSample / 8;
        var planeBytes = (long)page.Width * page.Height * bytesPerSample;
        var start = page.Offsets[0];
        var end = start + images * planeBytes;
        if (end > fileLength)
            throw Fail(name, $"truncated TIFF: ImageJ stack of {images} images needs bytes up to {end} but the file has {fileLength}");
        if ((long)images * page.Width * page.Height > Array.MaxLength)
            throw Fail(name, $"ImageJ stack of {images} images of {page.Width}x{page.Height} does not fit in memory");
        var buffer = new byte[planeBytes];
        for (var k = 1; k < images; k++)
        {
            source.Position = start + k * planeBytes;
            source.ReadExactly(buffer);
            if (swapped) SwapBytes(buffer, bytesPerSample);
            var plane = new float[page.Width * page.Height];
            var scanline = page.Width * bytesPerSample;
            for (var y = 0; y < page.Height; y++)
                ConvertRow(buffer.AsSpan(y * scanline, scanline), page, 1, 0, plane.AsSpan(y * page.Width, page.Width));
            planes.Add(plane);
        }
    }

    private static void SwapBytes(byte[] buffer, int bytesPerSample)
    {
        switch (bytesPerSample)
        {
            case 2:
            {
                var span = MemoryMarshal.Cast<byte, ushort>(buffer.AsSpan());
                BinaryPrimitives.ReverseEndianness(span, span);
                break;
            }
            case 4:
            {
                var span = MemoryMarshal.Cast<byte, uint>(buffer.AsSpan());
                BinaryPrimitives.ReverseEndianness(span, span);
                break;
            }
            case 8:
            {
                var span = MemoryMarshal.Cast<byte, ulong>(buffer.AsSpan());
                BinaryPrimitives.ReverseEndianness(span, span);
                break;
            }
        }
    }

    private static void ExtractSample(byte[] raw, TiffPage page, int scanline, long planeBytes, int sample, float[] destination)
    {
        var step = page.Separate ? 1 : page.SamplesPerPixel;
        var first = page.Separate ? 0 : sample;
        var origin = page.Separate ? sample * planeBytes : 0;
        for (var y = 0; y < page.Height; y++)
            ConvertRow(raw.AsSpan((int)(origin + (long)y * scanline), scanline), page, step, first,
                destination.AsSpan(y * page.Width, page.Width));
    }

    /// <summary>Sample <paramref name="first"/> + k·<paramref name="step"/> of a decoded row (native byte order) as float.</summary>
    private static void ConvertRow(ReadOnlySpan<byte> row, TiffPage page, int step, int first, Span<float> output)
    {
        var n = output.Length;
        switch (page.BitsPerSample, page.Format)
        {
            case (1, _):
                for (var x = 0; x < n; x++)
                {
                    var bit = x * step + first;
                    output[x] = ((row[bit >> 3] >> (7 - (bit & 7))) & 1) * 255f;
                }
                break;
            case (8, SampleFormat.INT):
                for (var x = 0; x < n; x++) output[x] = (sbyte)row[x * step + first];
                break;
            case (8, _):
                for (var x = 0; x < n; x++) output[x] = row[x * step + first];
                break;
            case (16, SampleFormat.IEEEFP):
                Convert(MemoryMarshal.Cast<byte, Half>(row), step, first, output, v => (float)v);
                break;
            case (16, SampleFormat.INT):
                Convert(MemoryMarshal.Cast<byte, short>(row), step, first, output, v => v);
                break;
            case (16, _):
                Convert(MemoryMarshal.Cast<byte, ushort>(row), step, first, output, v => v);
                break;
            case (32, SampleFormat.IEEEFP):
                Convert(MemoryMarshal.Cast<byte, float>(row), step, first, output, v => v);
                break;
            case (32, SampleFormat.INT):
                Convert(MemoryMarshal.Cast<byte, int>(row), step, first, output, v => v);
                break;
            case (32, _):
                Convert(MemoryMarshal.Cast<byte, uint>(row), step, first, output, v => v);
                break;
            case (64, SampleFormat.IEEEFP):
                Convert(MemoryMarshal.Cast<byte, double>(row), step, first, output, v => (float)v);
                break;
            case (64, SampleFormat.INT):
                Convert(MemoryMarshal.Cast<byte, long>(row), step, first, output, v => v);
                break;
            default:
                Convert(MemoryMarshal.Cast<byte, ulong>(row), step, first, output, v => v);
                break;
        }
    }

    private static void Convert<T>(ReadOnlySpan<T> row, int step, int first, Span<float> output, Func<T, float> convert) where T : struct
    {
        if (step == 1 && first == 0 && typeof(T) == typeof(float))
        {
            MemoryMarshal.Cast<T, float>(row)[..output.Length].CopyTo(output);
            return;
        }
        for (var x = 0; x < output.Length; x++) output[x] = convert(row[x * step + first]);
    }

    private static void ThrowIfErrors(string name, TiffDiagnostics diagnostics, string what)
    {
        if (diagnostics.HasErrors)
            throw Fail(name, $"{what}: {diagnostics.Describe()}");
    }
}
