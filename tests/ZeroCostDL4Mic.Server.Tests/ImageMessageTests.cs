using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;
using ZeroCostDL4Mic.Server.Interceptors;
using ZeroCostDL4Mic.Server.Mapping;
using Calibration = ZeroCostDL4Mic.Imaging.Calibration;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>ImageMessageReader/Writer on their own: round trips and every refusal with its status and text.</summary>
public class ImageMessageTests
{
    private static ImageData Ramp(string axes, int[] shape, Func<int, float> value)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        return new ImageData(axes, shape, Enumerable.Range(0, n).Select(value).ToArray());
    }

    [Theory]
    [InlineData(DType.Uint8, 7)]
    [InlineData(DType.Uint16, 1000)]
    [InlineData(DType.Int32, 5)]
    [InlineData(DType.Float32, 64)]
    public void Round_trip_keeps_pixels_axes_and_calibration(DType dtype, int chunkBytes)
    {
        float Value(int i) => dtype switch
        {
            DType.Uint8 => i % 256,
            DType.Uint16 => (i * 37) % 65536,
            DType.Int32 => i * 1001 - 50000,
            _ => MathF.Sin(i) * 1e3f,
        };
        var calibration = new Calibration(0.1, 0.2, 0.5, "micron", 2.5);
        var image = new ImageData("ZCYX", [2, 3, 5, 7], Ramp("ZCYX", [2, 3, 5, 7], Value).Pixels, PixelType.Float32, calibration);
        var writer = new ImageMessageWriter(chunkBytes);

        var header = writer.CreateHeader("stack.tif", image, dtype);
        var chunks = writer.Chunks(image, dtype).ToList();
        var back = ImageMessageReader.Read(header, chunks);

        Assert.Equal(210L * PixelTypes.SizeOf(dtype), header.ByteCount);
        Assert.All(chunks, c => Assert.InRange(c.Data.Length, 1, chunkBytes));
        Assert.Equal("ZCYX", back.Axes);
        Assert.Equal([2, 3, 5, 7], back.Shape);
        Assert.Equal(PixelTypes.ToPixelType(dtype), back.PixelType);
        Assert.Equal(calibration, back.Calibration);
        Assert.Equal(image.Pixels, back.Pixels);
    }

    [Fact]
    public void Bytes_are_little_endian_c_order()
    {
        var image = ImageData.Create2D(1, 2, [1, 258]);
        var writer = new ImageMessageWriter(1024);
        var bytes = writer.Chunks(image, DType.Uint16).Single().Data.ToByteArray();
        Assert.Equal(new byte[] { 1, 0, 2, 1 }, bytes);
    }

    [Fact]
    public void Chunks_may_split_a_pixel()
    {
        var header = new ImageHeader { Name = "a", Dtype = DType.Float32, Axes = "YX", Shape = { 1, 2 }, ByteCount = 8 };
        var bytes = new byte[8];
        BitConverter.TryWriteBytes(bytes.AsSpan(0), 1.5f);
        BitConverter.TryWriteBytes(bytes.AsSpan(4), -2.25f);
        var chunks = new[] { Chunk(0, bytes[..3]), Chunk(3, bytes[3..6]), Chunk(6, bytes[6..]) };
        Assert.Equal([1.5f, -2.25f], ImageMessageReader.Read(header, chunks).Pixels);
    }

    [Fact]
    public void Writer_rounds_and_clamps_integers()
    {
        var image = ImageData.Create2D(1, 4, [-3f, 2.6f, 300f, float.NaN]);
        var back = ImageMessageReader.Read(new ImageMessageWriter(16).CreateHeader("x", image, DType.Uint8),
            new ImageMessageWriter(16).Chunks(image, DType.Uint8));
        Assert.Equal([0f, 3f, 255f, 0f], back.Pixels);
    }

    [Fact]
    public void Sha256_is_checked()
    {
        var image = ImageData.Create2D(2, 2, [1, 2, 3, 4]);
        var writer = new ImageMessageWriter(4);
        var header = writer.CreateHeader("x", image, DType.Uint8);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(new byte[] { 1, 2, 3, 4 })), header.Sha256);
        header.Sha256 = new string('0', 64);

        var e = Refused(() => ImageMessageReader.Read(header, writer.Chunks(image, DType.Uint8)), StatusCode.InvalidArgument);
        Assert.Equal("image.sha256: sha256 of image 'x' does not match its bytes", e.Status.Detail);
    }

    [Fact]
    public void Unspecified_dtype_is_refused()
    {
        var e = Refused(() => new ImageMessageReader(Header(DType.Unspecified, "YX", [4, 4], 16), 1000), StatusCode.InvalidArgument);
        Assert.Equal("image.dtype: dtype is not specified (use uint8, uint16, int32 or float32)", e.Status.Detail);
        Assert.Equal("image.dtype", Violations(e).Single().Field);
    }

    [Fact]
    public void Unknown_dtype_is_refused()
    {
        var e = Refused(() => new ImageMessageReader(Header((DType)9, "YX", [4, 4], 16), 1000, "sample.image"), StatusCode.InvalidArgument);
        Assert.Equal("sample.image.dtype: dtype 9 is unknown (use uint8, uint16, int32 or float32)", e.Status.Detail);
    }

    [Theory]
    [InlineData("XY")]
    [InlineData("YXC")]
    [InlineData("X")]
    [InlineData("ZZYX")]
    [InlineData("QYX")]
    [InlineData("")]
    public void Bad_axes_are_refused(string axes)
    {
        var shape = Enumerable.Repeat(2L, Math.Max(axes.Length, 1)).ToArray();
        var e = Refused(() => new ImageMessageReader(Header(DType.Uint8, axes, shape, 1 << shape.Length), 1000), StatusCode.InvalidArgument);
        Assert.Equal($"image.axes: axes '{axes}' must use the letters TZCYX at most once each and end in YX", e.Status.Detail);
    }

    [Fact]
    public void Axes_and_shape_of_different_lengths_are_refused()
    {
        var e = Refused(() => new ImageMessageReader(Header(DType.Uint8, "ZYX", [4, 4], 16), 1000), StatusCode.InvalidArgument);
        Assert.Equal("image.shape: shape has 2 sizes but axes 'ZYX' has 3 letters", e.Status.Detail);
    }

    [Fact]
    public void Non_positive_size_is_refused()
    {
        var e = Refused(() => new ImageMessageReader(Header(DType.Uint8, "YX", [0, 4], 0), 1000), StatusCode.InvalidArgument);
        Assert.Equal("image.shape: size 0 of axis Y must be positive", e.Status.Detail);
    }

    [Fact]
    public void Wrong_byte_count_is_refused()
    {
        var e = Refused(() => new ImageMessageReader(Header(DType.Uint16, "YX", [4, 4], 16), 1000), StatusCode.InvalidArgument);
        Assert.Equal("image.byte_count: byte_count 16 does not match shape [4, 4] of uint16 (32 bytes)", e.Status.Detail);
    }

    [Fact]
    public void Image_over_the_limit_is_refused_before_allocation()
    {
        // 2^40 float32 pixels would be 4 TiB: refused from the header alone.
        var e = Refused(() => new ImageMessageReader(Header(DType.Float32, "YX", [1 << 20, 1 << 20], 1L << 42), 100_000), StatusCode.ResourceExhausted);
        Assert.Equal("image '' is 4398046511104 bytes, above the server limit of 100000 bytes (Server:MaxImageBytes)", e.Status.Detail);

        var small = Refused(() => new ImageMessageReader(Header(DType.Uint8, "YX", [400, 400], 160_000, "big.tif"), 100_000), StatusCode.ResourceExhausted);
        Assert.Equal("image 'big.tif' is 160000 bytes, above the server limit of 100000 bytes (Server:MaxImageBytes)", small.Status.Detail);
    }

    [Fact]
    public void Shape_overflowing_64_bits_is_refused_as_too_large()
    {
        var e = Refused(() => new ImageMessageReader(Header(DType.Uint8, "ZYX", [1L << 40, 1L << 40, 1L << 40], 1), 100_000), StatusCode.ResourceExhausted);
        Assert.StartsWith("image '' of shape [", e.Status.Detail);
    }

    [Fact]
    public void Chunk_out_of_order_is_refused()
    {
        var reader = new ImageMessageReader(Header(DType.Uint8, "YX", [4, 4], 16, "a.tif"), 1000);
        reader.Append(Chunk(0, new byte[4]));
        var e = Refused(() => reader.Append(Chunk(8, new byte[4])), StatusCode.InvalidArgument);
        Assert.Equal("chunk.offset: chunk at offset 8, expected 4 (image 'a.tif')", e.Status.Detail);
    }

    [Fact]
    public void More_bytes_than_declared_are_refused()
    {
        var reader = new ImageMessageReader(Header(DType.Uint8, "YX", [4, 4], 16, "a.tif"), 1000);
        reader.Append(Chunk(0, new byte[10]));
        var e = Refused(() => reader.Append(Chunk(10, new byte[10])), StatusCode.InvalidArgument);
        Assert.Equal("chunk.data: image 'a.tif' declared 16 bytes but its chunks carry 20 or more", e.Status.Detail);
    }

    [Fact]
    public void Missing_bytes_are_refused()
    {
        var reader = new ImageMessageReader(Header(DType.Uint8, "YX", [4, 4], 16, "a.tif"), 1000);
        reader.Append(Chunk(0, new byte[10]));
        var e = Refused(() => reader.ToImage(), StatusCode.InvalidArgument);
        Assert.Equal("chunk: image 'a.tif' ended after 10 of 16 bytes", e.Status.Detail);
    }

    [Fact]
    public void Malformed_sha256_is_refused()
    {
        var header = Header(DType.Uint8, "YX", [2, 2], 4);
        header.Sha256 = "abc";
        var e = Refused(() => new ImageMessageReader(header, 1000), StatusCode.InvalidArgument);
        Assert.Equal("image.sha256: sha256 must be 64 hex digits or empty", e.Status.Detail);
    }

    [Fact]
    public void Int32_pixels_up_to_two_to_the_24_arrive_exactly()
    {
        int[] values = [16_777_216, -16_777_216, 16_777_215, 0];
        var back = ImageMessageReader.Read(Header(DType.Int32, "YX", [2, 2], 16), [Chunk(0, Int32Bytes(values))]);
        Assert.Equal(values.Select(v => (float)v), back.Pixels);
        Assert.Equal(values, back.Pixels.Select(p => (int)p));
    }

    [Theory]
    [InlineData(16)] // whole pixels in one chunk
    [InlineData(6)]  // pixel 1 split across two chunks
    public void Int32_pixels_beyond_two_to_the_24_are_refused_not_rounded(int firstChunkBytes)
    {
        var bytes = Int32Bytes([5, 16_777_217, 0, 0]);
        var reader = new ImageMessageReader(Header(DType.Int32, "YX", [2, 2], 16, "labels.tif"), 1000);
        var e = Refused(() =>
        {
            reader.Append(Chunk(0, bytes[..firstChunkBytes]));
            reader.Append(Chunk(firstChunkBytes, bytes[firstChunkBytes..]));
        }, StatusCode.InvalidArgument);
        Assert.Equal("chunk.data: image 'labels.tif': int32 pixel 1 is 16777217, beyond ±16777216 (2^24), the largest integers the server " +
                     "computes with exactly; send float32 if approximate values are acceptable, or rescale the image", e.Status.Detail);
    }

    private static byte[] Int32Bytes(int[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }

    [Fact]
    public void Labels_above_uint16_travel_as_int32()
    {
        Assert.Equal(DType.Uint16, ImageMessageWriter.OutputDType(Engine.Api.OutputKind.Labels, ImageData.Create2D(1, 2, [0, 65535])));
        Assert.Equal(DType.Int32, ImageMessageWriter.OutputDType(Engine.Api.OutputKind.Labels, ImageData.Create2D(1, 2, [0, 70000])));
        Assert.Equal(DType.Uint8, ImageMessageWriter.OutputDType(Engine.Api.OutputKind.Mask, ImageData.Create2D(1, 1, [255])));
        Assert.Equal(DType.Float32, ImageMessageWriter.OutputDType(Engine.Api.OutputKind.Restored, ImageData.Create2D(1, 1, [0.5f])));
    }

    internal static ImageHeader Header(DType dtype, string axes, long[] shape, long byteCount, string name = "") =>
        new() { Name = name, Dtype = dtype, Axes = axes, Shape = { shape }, ByteCount = byteCount };

    internal static ImageChunk Chunk(long offset, byte[] data) => new() { Offset = offset, Data = ByteString.CopyFrom(data) };

    /// <summary>Runs the action and maps what it throws exactly as the server's interceptor does.</summary>
    internal static RpcException Refused(Action action, StatusCode expected)
    {
        var thrown = Assert.ThrowsAny<Exception>(action);
        var mapped = ExceptionStatusMapper.Map(thrown, callCancelled: false);
        Assert.Equal(expected, mapped.StatusCode);
        return mapped;
    }

    internal static IReadOnlyList<Google.Rpc.BadRequest.Types.FieldViolation> Violations(RpcException e) =>
        e.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.ToList() ?? [];
}
