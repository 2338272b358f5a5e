using System.Buffers.Binary;
using System.IO.Compression;
using ZeroCostDL4Mic.Imaging.Instances;

namespace ZeroCostDL4Mic.Imaging.Tests.Instances;

public class ImageJRoisTests
{
    [Fact]
    public void A_polygon_is_encoded_as_the_spec_example()
    {
        // The diamond of the spec: rows [10,14,10,6], cols [14,10,6,10].
        var bytes = ImageJRois.Encode(new double[] { 10, 14, 10, 6 }, new double[] { 14, 10, 6, 10 }, 3);
        Assert.Equal(64 + 12 * 4, bytes.Length);
        Assert.Equal("Iout"u8.ToArray(), bytes[..4]);
        short I16(int at) => BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(at));
        Assert.Equal(227, I16(4));
        Assert.Equal(0, I16(6));
        Assert.Equal((6, 6, 14, 14), ((int)I16(8), (int)I16(10), (int)I16(12), (int)I16(14)));
        Assert.Equal(4, BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(16)));
        Assert.Equal(128, I16(50));
        Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(56)));
        Assert.Equal(new short[] { 8, 4, 0, 4 }, Enumerable.Range(0, 4).Select(k => I16(64 + 2 * k)));
        Assert.Equal(new short[] { 4, 8, 4, 0 }, Enumerable.Range(0, 4).Select(k => I16(72 + 2 * k)));
        Assert.Equal(new[] { 14.5f, 10.5f, 6.5f, 10.5f }, Enumerable.Range(0, 4).Select(k => BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan(80 + 4 * k))));
        Assert.Equal(new[] { 10.5f, 14.5f, 10.5f, 6.5f }, Enumerable.Range(0, 4).Select(k => BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan(96 + 4 * k))));
    }

    [Fact]
    public void A_stack_becomes_one_zip_entry_per_object_named_by_frame_and_index()
    {
        var o = new DetectedObject(1, 10, 10, 20, .9f, 10, 10, new double[] { 10, 14, 10, 6 }, new double[] { 14, 10, 6, 10 });
        using var stream = new MemoryStream();
        ImageJRois.WriteZip(stream, new IReadOnlyList<DetectedObject>[] { new[] { o, o }, new[] { o } });
        stream.Position = 0;
        using var zip = new ZipArchive(stream);
        Assert.Equal(new[] { "001_001.roi", "001_002.roi", "002_001.roi" }, zip.Entries.Select(e => e.FullName));
    }
}
