using System.Runtime.CompilerServices;
using Google.Protobuf;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Mapping;

/// <summary>A file as FileChunk messages of at most chunkBytes; an empty file is one empty chunk so the name still arrives.</summary>
public static class FileChunks
{
    /// <summary>
    /// Reads an uploaded file: the first chunk names it, offsets must follow each other, and the total stays
    /// within <paramref name="maxBytes"/>.
    /// </summary>
    public static async Task<(string Name, byte[] Content)> ReadAllAsync(
        global::Grpc.Core.IAsyncStreamReader<FileChunk> chunks, long maxBytes, CancellationToken cancellationToken)
    {
        string? name = null;
        using var content = new MemoryStream();
        while (await chunks.MoveNext(cancellationToken))
        {
            var chunk = chunks.Current;
            name ??= string.IsNullOrWhiteSpace(chunk.Name)
                ? throw new Engine.Errors.InvalidInputException("chunk.name", "the first chunk must name the file")
                : chunk.Name;
            if (chunk.Offset != content.Length)
                throw new Engine.Errors.InvalidInputException("chunk.offset", $"{chunk.Offset} where {content.Length} was expected");
            if (content.Length + chunk.Data.Length > maxBytes)
                throw new Engine.Errors.LimitExceededException($"'{name}' is larger than the limit of {maxBytes} bytes");
            content.Write(chunk.Data.Span);
        }
        if (name is null) throw new Engine.Errors.InvalidInputException("chunk", "no file was sent");
        return (Path.GetFileName(name), content.ToArray());
    }

    public static async IAsyncEnumerable<FileChunk> ReadAsync(
        Stream file, string name, int chunkBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long total = file.CanSeek ? file.Length : 0;
        long offset = 0;
        while (true)
        {
            var buffer = new byte[chunkBytes];
            int filled = 0, read;
            while (filled < chunkBytes && (read = await file.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
                filled += read;
            if (filled == 0 && offset > 0) yield break;
            yield return new FileChunk
            {
                Name = name, Offset = offset, TotalSize = total,
                Data = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, filled)),
            };
            offset += filled;
            if (filled < chunkBytes) yield break;
        }
    }
}
