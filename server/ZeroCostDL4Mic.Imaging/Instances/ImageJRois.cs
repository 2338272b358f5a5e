using System.Buffers.Binary;
using System.IO.Compression;

namespace ZeroCostDL4Mic.Imaging.Instances;

/// <summary>
/// ImageJ ROI sets of the detected polygons, as stardist's export_imagej_rois: a zip of "{frame:000}_{index:000}.roi"
/// subpixel polygon ROIs (ImageJ's binary format, version 227) at pixel-centre coordinates (x = column + 0.5), with the
/// 1-based frame as the ROI position so ImageJ's ROI Manager puts each on its frame of a stack.
/// </summary>
public static class ImageJRois
{
    public static void WriteZip(Stream output, IReadOnlyList<IReadOnlyList<DetectedObject>> frames)
    {
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        for (int frame = 0; frame < frames.Count; frame++)
            for (int i = 0; i < frames[frame].Count; i++)
            {
                var o = frames[frame][i];
                var entry = zip.CreateEntry($"{frame + 1:000}_{i + 1:000}.roi", CompressionLevel.Optimal);
                using var stream = entry.Open();
                stream.Write(Encode(o.PolygonRows, o.PolygonCols, frame + 1));
            }
    }

    /// <summary>One polygon ROI: 64-byte header, integer offsets from the bounding box, then float32 absolute coordinates.</summary>
    public static byte[] Encode(IReadOnlyList<double> rows, IReadOnlyList<double> cols, int position)
    {
        int n = rows.Count;
        var x = cols.Select(c => (float)(c + 0.5)).ToArray();
        var y = rows.Select(r => (float)(r + 0.5)).ToArray();
        var xi = x.Select(v => (int)Math.Round(v, MidpointRounding.ToEven)).ToArray();
        var yi = y.Select(v => (int)Math.Round(v, MidpointRounding.ToEven)).ToArray();
        int top = yi.Min(), left = xi.Min(), bottom = yi.Max(), right = xi.Max();
        var bytes = new byte[64 + 12 * n];
        var span = bytes.AsSpan();
        "Iout"u8.CopyTo(span);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], 227);
        BinaryPrimitives.WriteInt16BigEndian(span[6..], 0); // polygon
        BinaryPrimitives.WriteInt16BigEndian(span[8..], (short)top);
        BinaryPrimitives.WriteInt16BigEndian(span[10..], (short)left);
        BinaryPrimitives.WriteInt16BigEndian(span[12..], (short)bottom);
        BinaryPrimitives.WriteInt16BigEndian(span[14..], (short)right);
        BinaryPrimitives.WriteUInt16BigEndian(span[16..], (ushort)n);
        BinaryPrimitives.WriteInt16BigEndian(span[50..], 128); // SUB_PIXEL_RESOLUTION
        BinaryPrimitives.WriteInt32BigEndian(span[56..], position);
        for (int k = 0; k < n; k++)
        {
            BinaryPrimitives.WriteInt16BigEndian(span[(64 + 2 * k)..], (short)(xi[k] - left));
            BinaryPrimitives.WriteInt16BigEndian(span[(64 + 2 * n + 2 * k)..], (short)(yi[k] - top));
            BinaryPrimitives.WriteSingleBigEndian(span[(64 + 4 * n + 4 * k)..], x[k]);
            BinaryPrimitives.WriteSingleBigEndian(span[(64 + 8 * n + 4 * k)..], y[k]);
        }
        return bytes;
    }
}
