using System.Buffers.Binary;
using System.Security.Cryptography;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;
using Calibration = ZeroCostDL4Mic.Imaging.Calibration;

namespace ZeroCostDL4Mic.Server.Mapping;

/// <summary>
/// Assembles one image from its ImageHeader and the ImageChunk messages that follow it. The header is
/// checked, and the size limit applied, before anything is allocated; chunks are decoded to float32 as
/// they arrive, so no second copy of the raw bytes is kept.
/// </summary>
public sealed class ImageMessageReader
{
    public const string AxisLetters = "TZCYX";

    private readonly string _field;
    private readonly int _elementSize;
    private readonly DType _dtype;
    private readonly float[] _pixels;
    private readonly byte[] _carry = new byte[4];
    private readonly IncrementalHash? _hash;
    private readonly string? _expectedSha256;
    private int _carryLength;
    private int _pixelIndex;

    /// <param name="header">The image's header as the client sent it.</param>
    /// <param name="maxImageBytes">Largest byte_count accepted (Server:MaxImageBytes).</param>
    /// <param name="field">Path of the header in the request, used to name bad fields ("image", "sample.image").</param>
    public ImageMessageReader(ImageHeader header, long maxImageBytes, string field = "image")
    {
        ArgumentNullException.ThrowIfNull(header);
        _field = field;
        Name = header.Name;

        _dtype = header.Dtype;
        if (_dtype == DType.Unspecified)
            throw Invalid("dtype", "dtype is not specified (use uint8, uint16, int32 or float32)");
        if (!PixelTypes.IsKnown(_dtype))
            throw Invalid("dtype", $"dtype {(int)_dtype} is unknown (use uint8, uint16, int32 or float32)");
        _elementSize = PixelTypes.SizeOf(_dtype);

        Axes = header.Axes ?? "";
        if (!IsValidAxes(Axes))
            throw Invalid("axes", $"axes '{Axes}' must use the letters {AxisLetters} at most once each and end in YX");
        if (header.Shape.Count != Axes.Length)
            throw Invalid("shape", $"shape has {header.Shape.Count} sizes but axes '{Axes}' has {Axes.Length} letters");

        long elements = 1;
        bool overflow = false;
        for (int i = 0; i < header.Shape.Count; i++)
        {
            long size = header.Shape[i];
            if (size <= 0)
                throw Invalid("shape", $"size {size} of axis {Axes[i]} must be positive");
            if (elements > long.MaxValue / size / _elementSize) overflow = true;
            else elements *= size;
        }
        string shapeText = $"[{string.Join(", ", header.Shape)}]";
        if (overflow)
            throw new LimitExceededException(
                $"image '{Name}' of shape {shapeText} is larger than the server limit of {maxImageBytes} bytes (Server:MaxImageBytes)");

        long expectedBytes = elements * _elementSize;
        if (header.ByteCount != expectedBytes)
            throw Invalid("byte_count",
                $"byte_count {header.ByteCount} does not match shape {shapeText} of {PixelTypes.Name(_dtype)} ({expectedBytes} bytes)");
        if (expectedBytes > maxImageBytes)
            throw new LimitExceededException(
                $"image '{Name}' is {expectedBytes} bytes, above the server limit of {maxImageBytes} bytes (Server:MaxImageBytes)");
        if (elements > Array.MaxLength || header.Shape.Any(s => s > int.MaxValue))
            throw new LimitExceededException($"image '{Name}' of shape {shapeText} has more pixels than one image can hold");

        if (!string.IsNullOrEmpty(header.Sha256))
        {
            if (header.Sha256.Length != 64 || !header.Sha256.All(Uri.IsHexDigit))
                throw Invalid("sha256", "sha256 must be 64 hex digits or empty");
            _expectedSha256 = header.Sha256.ToLowerInvariant();
            _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }

        ByteCount = expectedBytes;
        Shape = header.Shape.Select(s => (int)s).ToArray();
        Calibration = ToCalibration(header.Calibration);
        _pixels = new float[elements];
    }

    public string Name { get; }
    public string Axes { get; }
    public int[] Shape { get; }
    public Calibration Calibration { get; }
    public PixelType PixelType => PixelTypes.ToPixelType(_dtype);
    /// <summary>Bytes the header declared.</summary>
    public long ByteCount { get; }
    /// <summary>Bytes received so far.</summary>
    public long Received { get; private set; }
    public bool IsComplete => Received == ByteCount;

    /// <summary>Adds the next chunk; it must start where the previous one ended and stay within byte_count.</summary>
    public void Append(ImageChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (chunk.Offset != Received)
            throw new InvalidInputException("chunk.offset", $"chunk at offset {chunk.Offset}, expected {Received} (image '{Name}')");
        var data = chunk.Data.Span;
        if (data.Length > ByteCount - Received)
            throw new InvalidInputException("chunk.data",
                $"image '{Name}' declared {ByteCount} bytes but its chunks carry {Received + data.Length} or more");
        _hash?.AppendData(data);
        Received += data.Length;

        if (_carryLength > 0)
        {
            int take = Math.Min(_elementSize - _carryLength, data.Length);
            data[..take].CopyTo(_carry.AsSpan(_carryLength));
            _carryLength += take;
            data = data[take..];
            if (_carryLength < _elementSize) return;
            _pixels[_pixelIndex] = Decode(_carry, _pixelIndex);
            _pixelIndex++;
            _carryLength = 0;
        }
        int whole = data.Length / _elementSize;
        DecodeInto(data[..(whole * _elementSize)], _pixels.AsSpan(_pixelIndex, whole), _pixelIndex);
        _pixelIndex += whole;
        var rest = data[(whole * _elementSize)..];
        rest.CopyTo(_carry);
        _carryLength = rest.Length;
    }

    /// <summary>The assembled image; fails if bytes are missing or the checksum does not match.</summary>
    public ImageData ToImage()
    {
        if (!IsComplete)
            throw new InvalidInputException("chunk", $"image '{Name}' ended after {Received} of {ByteCount} bytes");
        if (_hash is not null)
        {
            var actual = Convert.ToHexStringLower(_hash.GetHashAndReset());
            if (actual != _expectedSha256)
                throw Invalid("sha256", $"sha256 of image '{Name}' does not match its bytes");
        }
        return new ImageData(Axes, Shape, _pixels, PixelType, Calibration);
    }

    /// <summary>Reads a whole image from a header and its chunks (tests, clients, small images).</summary>
    public static ImageData Read(ImageHeader header, IEnumerable<ImageChunk> chunks, long maxImageBytes = long.MaxValue, string field = "image")
    {
        var reader = new ImageMessageReader(header, maxImageBytes, field);
        foreach (var chunk in chunks) reader.Append(chunk);
        return reader.ToImage();
    }

    public static bool IsValidAxes(string axes)
    {
        if (axes.Length < 2 || !axes.EndsWith("YX", StringComparison.Ordinal)) return false;
        foreach (var c in axes)
            if (!AxisLetters.Contains(c) || axes.IndexOf(c) != axes.LastIndexOf(c)) return false;
        return true;
    }

    public static Calibration ToCalibration(Protos.V1.Calibration? c) =>
        c is null
            ? Calibration.None
            : new Calibration(c.PixelSizeX, c.PixelSizeY, c.PixelSizeZ, c.Unit ?? "", c.FrameIntervalS);

    private InvalidInputException Invalid(string name, string description) => new($"{_field}.{name}", description);

    /// <summary>
    /// Pixels are float32 from here on, which holds every integer only up to 2^24: a larger int32 would change
    /// silently, so it is refused instead.
    /// </summary>
    public const int LargestExactInt32 = 1 << 24;

    private float Int32Pixel(int value, int index)
    {
        if (value > LargestExactInt32 || value < -LargestExactInt32)
            throw new InvalidInputException("chunk.data",
                $"image '{Name}': int32 pixel {index} is {value}, beyond ±{LargestExactInt32} (2^24), the largest integers the server " +
                "computes with exactly; send float32 if approximate values are acceptable, or rescale the image");
        return value;
    }

    private float Decode(ReadOnlySpan<byte> b, int index) => _dtype switch
    {
        DType.Uint8 => b[0],
        DType.Uint16 => BinaryPrimitives.ReadUInt16LittleEndian(b),
        DType.Int32 => Int32Pixel(BinaryPrimitives.ReadInt32LittleEndian(b), index),
        _ => BinaryPrimitives.ReadSingleLittleEndian(b),
    };

    private void DecodeInto(ReadOnlySpan<byte> bytes, Span<float> target, int firstIndex)
    {
        switch (_dtype)
        {
            case DType.Uint8:
                for (int i = 0; i < target.Length; i++) target[i] = bytes[i];
                break;
            case DType.Uint16:
                for (int i = 0; i < target.Length; i++) target[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
                break;
            case DType.Int32:
                for (int i = 0; i < target.Length; i++) target[i] = Int32Pixel(BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]), firstIndex + i);
                break;
            default:
                for (int i = 0; i < target.Length; i++) target[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                break;
        }
    }
}
