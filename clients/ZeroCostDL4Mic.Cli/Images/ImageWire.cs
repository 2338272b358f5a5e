using System.Buffers.Binary;
using System.Security.Cryptography;
using Google.Protobuf;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;
using ZeroCostDL4Mic.Server.Mapping;
using ImagingCalibration = ZeroCostDL4Mic.Imaging.Calibration;
using WireCalibration = ZeroCostDL4Mic.Protos.V1.Calibration;

namespace ZeroCostDL4Mic.Cli.Images;

/// <summary>An image as it travels: a header plus its pixel bytes in the header's dtype, C order, little-endian.</summary>
public sealed record WireImage(ImageHeader Header, byte[] Bytes);

/// <summary>Converts between Imaging's ImageData and the wire form of common.proto.</summary>
public static class ImageWire
{
    public const int ChunkBytes = 1024 * 1024;

    // The dtype and calibration mappings are the server's own (ZeroCostDL4Mic.Server.Mapping), so both ends agree.
    public static DType ToDType(PixelType type) => PixelTypes.ToDType(type);

    public static PixelType ToPixelType(DType dtype) => PixelTypes.IsKnown(dtype)
        ? PixelTypes.ToPixelType(dtype)
        : throw new InvalidDataException($"the server sent an image with an unknown dtype ({dtype})");

    public static int BytesPerPixel(PixelType type) => PixelTypes.SizeOf(PixelTypes.ToDType(type));

    public static WireCalibration ToWire(ImagingCalibration calibration) => ImageMessageWriter.ToProto(calibration);

    public static ImagingCalibration FromWire(WireCalibration? calibration) => ImageMessageReader.ToCalibration(calibration);

    /// <summary>The image's pixels in its own pixel type, with a header naming it <paramref name="name"/> (sha256 set).</summary>
    public static WireImage Encode(string name, ImageData image)
    {
        var bytes = ToBytes(image.Pixels, image.PixelType);
        var header = new ImageHeader
        {
            Name = name,
            Dtype = ToDType(image.PixelType),
            Axes = image.Axes,
            Calibration = ToWire(image.Calibration),
            ByteCount = bytes.LongLength,
            Sha256 = Sha256Hex(bytes),
        };
        header.Shape.AddRange(image.Shape.Select(s => (long)s));
        return new WireImage(header, bytes);
    }

    /// <summary>The image a header and its complete bytes describe.</summary>
    public static ImageData Decode(ImageHeader header, byte[] bytes, ImagingCalibration? calibration = null)
    {
        var type = ToPixelType(header.Dtype);
        var shape = header.Shape.Select(s => checked((int)s)).ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count * BytesPerPixel(type) != bytes.LongLength)
            throw new InvalidDataException($"image '{header.Name}': {bytes.LongLength} bytes do not match shape [{string.Join(",", shape)}] of {type}");
        return new ImageData(header.Axes, shape, ToPixels(bytes, type), type, calibration ?? FromWire(header.Calibration));
    }

    public static IEnumerable<ImageChunk> Chunks(byte[] bytes, int chunkBytes = ChunkBytes)
    {
        for (long offset = 0; offset < bytes.LongLength; offset += chunkBytes)
        {
            var length = (int)Math.Min(chunkBytes, bytes.LongLength - offset);
            yield return new ImageChunk { Offset = offset, Data = ByteString.CopyFrom(bytes, (int)offset, length) };
        }
    }

    public static byte[] ToBytes(ReadOnlySpan<float> pixels, PixelType type)
    {
        var bytes = new byte[(long)pixels.Length * BytesPerPixel(type)];
        var span = bytes.AsSpan();
        switch (type)
        {
            case PixelType.UInt8:
                for (int i = 0; i < pixels.Length; i++) span[i] = (byte)Math.Clamp(MathF.Round(pixels[i]), 0, byte.MaxValue);
                break;
            case PixelType.UInt16:
                for (int i = 0; i < pixels.Length; i++)
                    BinaryPrimitives.WriteUInt16LittleEndian(span[(2 * i)..], (ushort)Math.Clamp(MathF.Round(pixels[i]), 0, ushort.MaxValue));
                break;
            case PixelType.Int32:
                for (int i = 0; i < pixels.Length; i++)
                    BinaryPrimitives.WriteInt32LittleEndian(span[(4 * i)..], (int)Math.Clamp(Math.Round((double)pixels[i]), int.MinValue, int.MaxValue));
                break;
            case PixelType.Float32:
                for (int i = 0; i < pixels.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(span[(4 * i)..], pixels[i]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "unknown pixel type");
        }
        return bytes;
    }

    public static float[] ToPixels(ReadOnlySpan<byte> bytes, PixelType type)
    {
        var pixels = new float[bytes.Length / BytesPerPixel(type)];
        switch (type)
        {
            case PixelType.UInt8:
                for (int i = 0; i < pixels.Length; i++) pixels[i] = bytes[i];
                break;
            case PixelType.UInt16:
                for (int i = 0; i < pixels.Length; i++) pixels[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
                break;
            case PixelType.Int32:
                for (int i = 0; i < pixels.Length; i++) pixels[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
                break;
            case PixelType.Float32:
                for (int i = 0; i < pixels.Length; i++) pixels[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                break;
        }
        return pixels;
    }

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
