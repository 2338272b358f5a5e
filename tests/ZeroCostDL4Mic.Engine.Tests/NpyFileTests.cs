using ZeroCostDL4Mic.Engine.Export.BioImageIo;

namespace ZeroCostDL4Mic.Engine.Tests;

/// <summary>NPY 1.0 files byte for byte as numpy 1.24 np.save writes float32 arrays (headers captured from numpy).</summary>
public class NpyFileTests
{
    public static TheoryData<long[], string> NumpyHeaders => new()
    {
        { new long[] { 5 }, "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028352c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a" },
        { new long[] { 3, 4 }, "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c2034292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a" },
        { new long[] { 1, 1, 256, 256 }, "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028312c20312c203235362c20323536292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a" },
        { new long[] { 123456, 2 }, "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a20283132333435362c2032292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a" },
        { new long[] { 2, 1, 96, 128 }, "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c20312c2039362c20313238292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a" },
    };

    [Theory]
    [MemberData(nameof(NumpyHeaders))]
    public void Header_is_byte_exact_as_numpy_writes_it(long[] shape, string numpyHeaderHex)
    {
        Assert.Equal(numpyHeaderHex, Convert.ToHexString(NpyFile.Header(shape)).ToLowerInvariant());
        Assert.Equal(0, NpyFile.Header(shape).Length % 64);
    }

    [Fact]
    public void Data_is_little_endian_C_order_and_reads_back()
    {
        var data = Enumerable.Range(0, 12).Select(i => i * 0.5f - 1).ToArray();
        var bytes = NpyFile.Write(data, 3, 4);
        Assert.Equal(128 + 48, bytes.Length);
        Assert.Equal(BitConverter.GetBytes(-1f), bytes[128..132]);
        var (read, shape) = NpyFile.Read(bytes, "x.npy");
        Assert.Equal(new long[] { 3, 4 }, shape);
        Assert.Equal(data, read);
    }

    [Fact]
    public void Other_dtypes_and_truncated_files_are_refused_by_name()
    {
        var bytes = NpyFile.Write(new float[4], 2, 2);
        var wrongType = (byte[])bytes.Clone();
        wrongType[Array.IndexOf(wrongType, (byte)'f')] = (byte)'i';
        Assert.Contains("x.npy", Assert.Throws<Errors.InvalidInputException>(() => NpyFile.Read(wrongType, "x.npy")).Message);
        Assert.Contains("holds", Assert.Throws<Errors.InvalidInputException>(() => NpyFile.Read(bytes[..^4], "x.npy")).Message);
        Assert.Contains("magic", Assert.Throws<Errors.InvalidInputException>(() => NpyFile.Read(new byte[20], "x.npy")).Message);
    }
}
