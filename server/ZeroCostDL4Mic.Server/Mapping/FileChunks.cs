using System.Runtime.CompilerServices;
using Google.Protobuf;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Mapping;

/// <summary>A file as FileChunk messages of at most chunkBytes; an empty file is one empty chunk so the name still arrives.</summary>
public static class FileChunks
{
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
