using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;
using ZeroCostDL4Mic.Server.Mapping;
using ImagingCalibration = ZeroCostDL4Mic.Imaging.Calibration;

namespace ZeroCostDL4Mic.Cli.Images;

/// <summary>An image as it travels: its header and its chunks, encoded lazily so that one chunk at a time is in memory.</summary>
public sealed record WireImage(ImageHeader Header, IEnumerable<ImageChunk> Chunks);

/// <summary>
/// The client's end of common.proto's images. It encodes and decodes with the server's own writer and reader
/// (ZeroCostDL4Mic.Server.Mapping), so both ends agree on dtypes, byte order, chunking and checksums.
/// </summary>
public static class ImageWire
{
    public const int ChunkBytes = 1024 * 1024;

    static readonly ImageMessageWriter Writer = new(ChunkBytes);

    /// <summary>The image in its own pixel type, with a header naming it <paramref name="name"/> (sha256 set).</summary>
    public static WireImage Encode(string name, ImageData image)
    {
        var dtype = PixelTypes.ToDType(image.PixelType);
        return new WireImage(Writer.CreateHeader(name, image, dtype), Writer.Chunks(image, dtype));
    }
}

/// <summary>
/// An image the server streams back, assembled chunk by chunk; anything inconsistent (dtype, shape, order, size,
/// checksum) is an InvalidDataException that names <paramref name="description"/>.
/// </summary>
public sealed class IncomingImage(ImageHeader header, string description)
{
    readonly ImageMessageReader reader = Checked(description, () => new ImageMessageReader(header, long.MaxValue));

    public bool IsComplete => reader.IsComplete;

    public void Append(ImageChunk chunk) => Checked(description, () =>
    {
        reader.Append(chunk);
        return true;
    });

    /// <summary>The image, with <paramref name="calibration"/> (the input's) in place of the header's when given.</summary>
    public ImageData ToImage(ImagingCalibration? calibration = null)
    {
        var image = Checked(description, reader.ToImage);
        return calibration is null ? image : new ImageData(image.Axes, image.Shape, image.Pixels, image.PixelType, calibration);
    }

    static T Checked<T>(string description, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (EngineException e)
        {
            throw new InvalidDataException($"{description}: {e.Message}", e);
        }
    }
}
