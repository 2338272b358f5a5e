using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ZeroCostDL4Mic.Engine.Errors;

namespace ZeroCostDL4Mic.Engine.Export.BioImageIo;

/// <summary>
/// float32 arrays as NPY 1.0 files, byte for byte as numpy's <c>np.save</c> writes them: magic, version 1.0,
/// uint16 header length, the header dict in numpy's key order and spelling, space-padded and ending in '\n'
/// so that data starts at a multiple of 64, then C-order little-endian data (JDLL parses the header with a
/// regex that needs exactly this form). Reading accepts the same form ('&lt;f4', C order) and nothing else.
/// </summary>
public static partial class NpyFile
{
    static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    public static byte[] Write(float[] data, params long[] shape)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length) throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {count} values, not {data.Length}");
        var header = Header(shape);
        var bytes = new byte[header.Length + 4L * data.Length];
        header.CopyTo(bytes, 0);
        for (int i = 0; i < data.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(header.Length + 4 * i), data[i]);
        return bytes;
    }

    /// <summary>Magic, version and the padded header dict (numpy's _write_array_header for version 1.0).</summary>
    public static byte[] Header(long[] shape)
    {
        // numpy spells a 1-tuple "(n,)" and the empty shape "()".
        string tuple = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.Select(s => s.ToString(CultureInfo.InvariantCulture))) + ")";
        string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple + ", }";
        // numpy >= 1.23 leaves room to grow the first axis in place (GROWTH_AXIS_MAX_DIGITS = 21) ...
        if (shape.Length > 0) dict += new string(' ', 21 - shape[0].ToString(CultureInfo.InvariantCulture).Length);
        // ... then pads to 64 bytes: ARRAY_ALIGN - (10 + len + 1) % 64, which is a whole 64 when already aligned.
        int padding = 64 - (Magic.Length + 4 + dict.Length + 1) % 64;
        string text = dict + new string(' ', padding) + "\n";
        var header = new byte[Magic.Length + 4 + text.Length];
        Magic.CopyTo(header, 0);
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)text.Length);
        Encoding.ASCII.GetBytes(text, header.AsSpan(10));
        return header;
    }

    /// <summary>Reads a float32 NPY file; anything else is refused with InvalidInputException naming <paramref name="name"/>.</summary>
    public static (float[] Data, long[] Shape) Read(byte[] bytes, string name)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new InvalidInputException(name, "is not an NPY file (bad magic)");
        if (bytes[6] != 1) throw new InvalidInputException(name, $"NPY version {bytes[6]}.{bytes[7]} is not supported (1.0 only)");
        int length = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        if (10 + length > bytes.Length) throw new InvalidInputException(name, "NPY header is truncated");
        var text = Encoding.ASCII.GetString(bytes, 10, length);
        var match = HeaderPattern().Match(text);
        if (!match.Success) throw new InvalidInputException(name, $"NPY header {text.Trim()} is not a C-order float32 ('<f4') array");
        var shape = match.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        int offset = 10 + length;
        if (bytes.Length - offset != 4 * count)
            throw new InvalidInputException(name, $"holds {(bytes.Length - offset) / 4} values, its header's shape ({string.Join(", ", shape)}) {count}");
        var data = new float[count];
        for (int i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset + 4 * i));
        return (data, shape);
    }

    [GeneratedRegex(@"^\{'descr': '<f4', 'fortran_order': False, 'shape': \(([0-9, ]*)\), \}\s*$")]
    private static partial Regex HeaderPattern();
}
