using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Mapping;

/// <summary>
/// Images arriving one after another on a stream, each as a header followed by its chunks; only the
/// image being received is held in memory. TTag carries what the header came with (a sample's role).
/// </summary>
public sealed class ImageSequence<TTag>(long maxImageBytes)
{
    private ImageMessageReader? _current;
    private ImageMessageReader? _previous;
    private TTag _tag = default!;

    /// <summary>Starts the next image; the previous one must be complete.</summary>
    public void Start(ImageHeader header, TTag tag, string field)
    {
        EnsureNoneOpen();
        _current = new ImageMessageReader(header, maxImageBytes, field);
        _tag = tag;
    }

    /// <summary>Adds a chunk; returns the image once its last byte arrived, otherwise null.</summary>
    public (TTag Tag, string Name, ImageData Image)? Append(ImageChunk chunk)
    {
        if (_current is null)
            throw _previous is null
                ? new InvalidInputException("chunk", "chunk received before an image header")
                : new InvalidInputException("chunk", $"chunk at offset {chunk.Offset} follows image '{_previous.Name}', which was complete at {_previous.ByteCount} bytes");
        _current.Append(chunk);
        if (!_current.IsComplete) return null;
        var reader = _current;
        _current = null;
        var image = reader.ToImage();
        _previous = reader;
        return (_tag, reader.Name, image);
    }

    /// <summary>Call when the stream ends: an image still missing bytes is an error.</summary>
    public void EnsureNoneOpen()
    {
        if (_current is not null)
            throw new InvalidInputException("chunk", $"image '{_current.Name}' ended after {_current.Received} of {_current.ByteCount} bytes");
    }
}
