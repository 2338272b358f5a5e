using System.Buffers.Binary;
using System.Security.Cryptography;
using Google.Protobuf;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Mapping;

/// <summary>
/// Turns an ImageData into an ImageHeader and ImageChunk messages of at most chunkBytes each,
/// C order, little-endian, in the requested dtype (integers rounded and clamped to the type's range).
/// </summary>
public sealed class ImageMessageWriter
{
    private readonly int _chunkBytes;

    public ImageMessageWriter(int chunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 4);
        _chunkBytes = chunkBytes;
    }

    public ImageHeader CreateHeader(string name, ImageData image, DType dtype, bool includeSha256 = true)
    {
        var header = new ImageHeader
        {
            Name = name,
            Dtype = dtype,
            Axes = image.Axes,
            ByteCount = (long)image.Pixels.Length * PixelTypes.SizeOf(dtype),
            Calibration = ToProto(image.Calibration),
        };
        header.Shape.AddRange(image.Shape.Select(s => (long)s));
        if (includeSha256) header.Sha256 = Sha256(image, dtype);
        return header;
    }

    /// <summary>The image's bytes as chunks, encoded lazily one chunk at a time.</summary>
    public IEnumerable<ImageChunk> Chunks(ImageData image, DType dtype)
    {
        int size = PixelTypes.SizeOf(dtype);
        int perChunk = Math.Max(1, _chunkBytes / size);
        for (int start = 0; start < image.Pixels.Length; start += perChunk)
        {
            int count = Math.Min(perChunk, image.Pixels.Length - start);
            var bytes = new byte[count * size];
            Encode(image.Pixels.AsSpan(start, count), dtype, bytes);
            yield return new ImageChunk { Offset = (long)start * size, Data = UnsafeByteOperations.UnsafeWrap(bytes) };
        }
    }

    /// <summary>The dtype an output of this kind travels in (see OutputKind in inference.proto).</summary>
    public static DType OutputDType(Engine.Api.OutputKind kind, ImageData image) => kind switch
    {
        Engine.Api.OutputKind.Mask => DType.Uint8,
        Engine.Api.OutputKind.Labels => image.Pixels.Length > 0 && image.Pixels.Max() > ushort.MaxValue ? DType.Int32 : DType.Uint16,
        _ => DType.Float32,
    };

    public static Protos.V1.Calibration ToProto(Imaging.Calibration c) => new()
    {
        PixelSizeX = c.PixelSizeX,
        PixelSizeY = c.PixelSizeY,
        PixelSizeZ = c.PixelSizeZ,
        Unit = c.Unit ?? "",
        FrameIntervalS = c.FrameIntervalSeconds,
    };

    private string Sha256(ImageData image, DType dtype)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        int size = PixelTypes.SizeOf(dtype);
        int perChunk = Math.Max(1, _chunkBytes / size);
        var buffer = new byte[Math.Min(perChunk, Math.Max(1, image.Pixels.Length)) * size];
        for (int start = 0; start < image.Pixels.Length; start += perChunk)
        {
            int count = Math.Min(perChunk, image.Pixels.Length - start);
            var bytes = buffer.AsSpan(0, count * size);
            Encode(image.Pixels.AsSpan(start, count), dtype, bytes);
            hash.AppendData(bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Encode(ReadOnlySpan<float> pixels, DType dtype, Span<byte> target)
    {
        switch (dtype)
        {
            case DType.Uint8:
                for (int i = 0; i < pixels.Length; i++) target[i] = (byte)Clamp(pixels[i], byte.MaxValue);
                break;
            case DType.Uint16:
                for (int i = 0; i < pixels.Length; i++)
                    BinaryPrimitives.WriteUInt16LittleEndian(target[(2 * i)..], (ushort)Clamp(pixels[i], ushort.MaxValue));
                break;
            case DType.Int32:
                for (int i = 0; i < pixels.Length; i++)
                    BinaryPrimitives.WriteInt32LittleEndian(target[(4 * i)..], ClampInt32(pixels[i]));
                break;
            case DType.Float32:
                for (int i = 0; i < pixels.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(target[(4 * i)..], pixels[i]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "cannot encode this dtype");
        }
    }

    private static int Clamp(float v, int max) => float.IsNaN(v) ? 0 : (int)Math.Clamp(MathF.Round(v), 0f, max);

    private static int ClampInt32(float v) =>
        float.IsNaN(v) ? 0 : (int)Math.Clamp(Math.Round((double)v), int.MinValue, int.MaxValue);
}
