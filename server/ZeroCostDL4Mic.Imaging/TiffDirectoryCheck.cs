using System.Buffers.Binary;

namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// Structural checks on raw TIFF directories (IFDs) before LibTiff.NET reads them: the directory, its
/// out-of-line tag values and its strip/tile count must fit the file, so a truncated or corrupt file fails
/// with a precise message instead of a quiet short read or a huge allocation.
/// </summary>
internal sealed record TiffDirectoryCheck(bool LittleEndian, bool BigTiff, string Name, long FirstDirectory)
{
    public static TiffDirectoryCheck Read(Stream source, string name, long fileLength)
    {
        Span<byte> header = stackalloc byte[16];
        source.Position = 0;
        source.ReadExactly(header[..8]);
        var little = header[0] == (byte)'I' && header[1] == (byte)'I';
        if (!little && !(header[0] == (byte)'M' && header[1] == (byte)'M'))
            throw TiffReader.Fail(name, "not a TIFF: the file does not start with II or MM");
        var layout = new TiffDirectoryCheck(little, false, name, 0);
        var version = layout.ReadUnsigned(header.Slice(2, 2));
        if (version == 42)
            return layout with { FirstDirectory = (long)layout.ReadUnsigned(header.Slice(4, 4)) };
        if (version != 43)
            throw TiffReader.Fail(name, $"not a TIFF: version {version} instead of 42 or 43");
        if (fileLength < 16)
            throw TiffReader.Fail(name, $"truncated TIFF: BigTIFF header needs 16 bytes but the file has {fileLength}");
        source.ReadExactly(header[8..16]);
        var first = layout.ReadUnsigned(header.Slice(8, 8));
        return layout with { BigTiff = true, FirstDirectory = first > (ulong)fileLength ? fileLength : (long)first };
    }

    /// <summary>Throws unless the whole directory at <paramref name="offset"/> is inside the file; returns its next-directory offset.</summary>
    public long CheckDirectory(Stream source, long offset, long fileLength, int index)
    {
        var countSize = BigTiff ? 8 : 2;
        var entrySize = BigTiff ? 20 : 12;
        var pointerSize = BigTiff ? 8 : 4;
        if (offset <= 0 || offset + countSize > fileLength)
            throw TiffReader.Fail(Name, $"truncated TIFF: directory {index + 1} at byte {offset} lies beyond the end ({fileLength} bytes)");
        var saved = source.Position;
        try
        {
            Span<byte> buffer = stackalloc byte[8];
            source.Position = offset;
            source.ReadExactly(buffer[..countSize]);
            var count = (long)ReadUnsigned(buffer[..countSize]);
            var end = offset + countSize + count * entrySize + pointerSize;
            if (count > 100_000 || end > fileLength)
                throw TiffReader.Fail(Name, $"truncated TIFF: directory {index + 1} needs bytes up to {end} but the file has {fileLength}");
            var entries = new byte[count * entrySize + pointerSize];
            source.ReadExactly(entries);
            var sizes = new Dictionary<ulong, ulong>(); // single inline SHORT/LONG values of the size tags
            for (var e = 0; e < count; e++)
            {
                var entry = entries.AsSpan(e * entrySize, entrySize);
                var typeSize = ReadUnsigned(entry.Slice(2, 2)) switch
                {
                    1 or 2 or 6 or 7 => 1UL,
                    3 or 8 => 2UL,
                    4 or 9 or 11 or 13 => 4UL,
                    5 or 10 or 12 or 16 or 17 or 18 => 8UL,
                    _ => 0UL,
                };
                var values = ReadUnsigned(entry.Slice(4, pointerSize));
                var tag = ReadUnsigned(entry[..2]);
                if (values == 1 && typeSize is 2 or 4)
                    sizes[tag] = ReadUnsigned(entry.Slice(4 + pointerSize, (int)typeSize));
                if (tag is 273 or 279 or 324 or 325)
                    sizes[tag + 100_000] = values; // number of strip or tile offsets / byte counts
                if (typeSize == 0) continue; // unknown type: LibTiff.NET ignores the tag
                if (values > (ulong)fileLength)
                    throw TiffReader.Fail(Name, $"corrupt TIFF: tag {ReadUnsigned(entry[..2])} of directory {index + 1} claims {values} values");
                var bytes = typeSize * values;
                if (bytes <= (ulong)pointerSize) continue; // value stored inline
                var valueEnd = ReadUnsigned(entry.Slice(4 + pointerSize, pointerSize)) + bytes;
                if (valueEnd > (ulong)fileLength)
                    throw TiffReader.Fail(Name, $"truncated TIFF: tag {ReadUnsigned(entry[..2])} of directory {index + 1} needs bytes up to {valueEnd} but the file has {fileLength}");
            }
            CheckBlockCount(sizes, fileLength, index);
            buffer = entries.AsSpan((int)(count * entrySize), pointerSize);
            return (long)ReadUnsigned(buffer);
        }
        finally
        {
            source.Position = saved;
        }
    }

    /// <summary>LibTiff.NET allocates one entry per strip or tile from the size tags alone: bound that by the file size.</summary>
    private void CheckBlockCount(Dictionary<ulong, ulong> sizes, long fileLength, int index)
    {
        ulong Get(ulong tag, ulong fallback) => sizes.TryGetValue(tag, out var v) ? v : fallback;
        var width = Get(256, 0);
        var length = Get(257, 0);
        if (width == 0 || length == 0) return; // LibTiff.NET reports missing sizes itself
        var samples = Get(284, 1) == 2 ? Math.Max(1, Get(277, 1)) : 1;
        var tileWidth = Get(322, 0);
        var tileLength = Get(323, 0);
        var rows = Get(278, length);
        if (rows == 0 || rows > length) rows = length;
        var blocks = tileWidth > 0 && tileLength > 0
            ? (width + tileWidth - 1) / tileWidth * ((length + tileLength - 1) / tileLength)
            : (length + rows - 1) / rows;
        if (blocks * samples > (ulong)fileLength)
            throw TiffReader.Fail(Name, $"corrupt TIFF: directory {index + 1} describes {blocks * samples} strips or tiles, more than a {fileLength}-byte file can hold");
        var tiled = tileWidth > 0 && tileLength > 0;
        foreach (var tag in tiled ? new ulong[] { 324, 325 } : new ulong[] { 273, 279 })
            if (sizes.TryGetValue(tag + 100_000, out var listed) && listed != blocks * samples)
                throw TiffReader.Fail(Name, $"corrupt TIFF: directory {index + 1} lists {listed} {(tiled ? "tile" : "strip")} "
                    + $"{(tag is 273 or 324 ? "offsets" : "byte counts")} but its size needs {blocks * samples}");
    }

    private ulong ReadUnsigned(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        2 => LittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(bytes) : BinaryPrimitives.ReadUInt16BigEndian(bytes),
        4 => LittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes),
        _ => LittleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(bytes) : BinaryPrimitives.ReadUInt64BigEndian(bytes),
    };
}
