using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ZeroCostDL4Mic.Storage;

/// <summary>
/// Files under the data directory, addressed by validated relative paths ('/' or '\' separated).
/// Every write goes to a scratch file in <c>tmp/</c>, is fsynced, then renamed over its final name, so a
/// crash never leaves a partial file under a final name. Safe to call from many threads.
/// </summary>
public sealed class FileStore
{
    private const int CopyBufferSize = 1 << 16;
    private static readonly string[] ReservedRootFiles = ["metadata.db", "metadata.db-wal", "metadata.db-shm", "metadata.db-journal"];

    private readonly ScratchArea _scratch;
    // Hashes by full path, valid while size and modification time are unchanged, so listing a model folder does not rehash checkpoints.
    private readonly ConcurrentDictionary<string, (long Size, DateTime ModifiedUtc, string Sha256)> _hashes = new(StringComparer.Ordinal);

    internal FileStore(string root, ScratchArea scratch)
    {
        Root = root;
        _scratch = scratch;
    }

    /// <summary>Absolute path of the data directory.</summary>
    public string Root { get; }

    /// <summary>The absolute path for <paramref name="relativePath"/>; throws <see cref="ArgumentException"/> for anything that could leave <see cref="Root"/>.</summary>
    public string FullPath(string relativePath) => Resolve(relativePath).Full;

    /// <summary>The path in its canonical '/'-separated form, as it appears in <see cref="StoredFile.RelativePath"/>.</summary>
    public static string Normalize(string relativePath) => string.Join('/', RelativePaths.Segments(relativePath));

    public StoredFile Write(string relativePath, ReadOnlySpan<byte> content)
    {
        var (full, normalized) = Resolve(relativePath);
        var temp = _scratch.NewFilePath();
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            var sha = Sha256Hex(content);
            MoveIntoPlace(temp, full, content.Length, sha);
            return new StoredFile(normalized, content.Length, sha);
        }
        finally
        {
            ScratchArea.TryDeleteFile(temp);
        }
    }

    /// <summary>Copies <paramref name="content"/> to its end, hashing as it goes; if reading fails the previous file stays as it was.</summary>
    public StoredFile Write(string relativePath, Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var (full, normalized) = Resolve(relativePath);
        var temp = _scratch.NewFilePath();
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                int read;
                while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    stream.Write(buffer, 0, read);
                    size += read;
                }
                stream.Flush(flushToDisk: true);
            }
            var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            MoveIntoPlace(temp, full, size, sha);
            return new StoredFile(normalized, size, sha);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ScratchArea.TryDeleteFile(temp);
        }
    }

    /// <summary>
    /// For libraries that write to a path themselves: <paramref name="writeTempFile"/> receives a scratch path with the
    /// same file name as the target (alone in its own folder) and must create the file there. The file is then hashed,
    /// fsynced and renamed into place. If the writer throws, nothing changes under the final name.
    /// </summary>
    public StoredFile WriteWith(string relativePath, Action<string> writeTempFile)
    {
        ArgumentNullException.ThrowIfNull(writeTempFile);
        var (full, normalized) = Resolve(relativePath);
        var folder = _scratch.NewFolder();
        try
        {
            var temp = Path.Combine(folder, Path.GetFileName(full));
            writeTempFile(temp);
            if (!File.Exists(temp))
                throw new InvalidOperationException($"the writer for '{normalized}' did not create the file it was given ({temp})");
            long size;
            string sha;
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                size = stream.Length;
                sha = Convert.ToHexStringLower(SHA256.HashData(stream));
                stream.Flush(flushToDisk: true);
            }
            MoveIntoPlace(temp, full, size, sha);
            return new StoredFile(normalized, size, sha);
        }
        finally
        {
            ScratchArea.TryDeleteDirectory(folder);
        }
    }

    public bool Exists(string relativePath) => File.Exists(FullPath(relativePath));

    public bool DirectoryExists(string relativePath) => Directory.Exists(FullPath(relativePath));

    /// <summary>Opens the file for reading; <see cref="FileNotFoundException"/> if it does not exist.</summary>
    public Stream OpenRead(string relativePath)
    {
        var (full, normalized) = Resolve(relativePath);
        try
        {
            return new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, CopyBufferSize);
        }
        catch (DirectoryNotFoundException)
        {
            throw NotFound(normalized);
        }
        catch (FileNotFoundException)
        {
            throw NotFound(normalized);
        }
    }

    public byte[] ReadAllBytes(string relativePath)
    {
        using var stream = OpenRead(relativePath);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Size and sha256 of an existing file; <see cref="FileNotFoundException"/> if it does not exist.</summary>
    public StoredFile Describe(string relativePath)
    {
        var (full, normalized) = Resolve(relativePath);
        try
        {
            var (size, sha) = Measure(full);
            return new StoredFile(normalized, size, sha);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(normalized);
        }
    }

    /// <summary>Removes the file; does nothing if it is absent.</summary>
    public void Delete(string relativePath)
    {
        var full = FullPath(relativePath);
        _hashes.TryRemove(full, out _);
        if (!File.Exists(full)) return;
        File.Delete(full);
        DirectorySync.Flush(Path.GetDirectoryName(full)!);
    }

    /// <summary>Removes the folder and everything in it; it disappears at once (renamed into tmp/ first); does nothing if absent.</summary>
    public void DeleteDirectory(string relativePath)
    {
        var full = FullPath(relativePath);
        if (!Directory.Exists(full)) return;
        var trash = Path.Combine(_scratch.Folder, "deleted-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.Move(full, trash);
        }
        catch (DirectoryNotFoundException)
        {
            return; // deleted concurrently
        }
        DirectorySync.Flush(Path.GetDirectoryName(full)!);
        var prefix = full + Path.DirectorySeparatorChar;
        foreach (var key in _hashes.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal)) _hashes.TryRemove(key, out _);
        }
        // If we crash here, the next open removes the leftover with the rest of tmp/.
        ScratchArea.TryDeleteDirectory(trash);
    }

    /// <summary>Files directly inside the folder (not recursive), sorted by name; empty if the folder is absent. "" lists the root.</summary>
    public IReadOnlyList<StoredFile> List(string relativeDirectory)
    {
        string full, prefix;
        if (string.IsNullOrEmpty(relativeDirectory))
        {
            (full, prefix) = (Root, "");
        }
        else
        {
            var resolved = Resolve(relativeDirectory);
            (full, prefix) = (resolved.Full, resolved.Normalized + "/");
        }
        var folder = new DirectoryInfo(full);
        if (!folder.Exists) return [];
        var files = folder.EnumerateFiles()
            .Where(f => prefix.Length > 0 || !IsReservedRootName(f.Name))
            .OrderBy(f => f.Name, StringComparer.Ordinal);
        var result = new List<StoredFile>();
        foreach (var file in files)
        {
            try
            {
                var (size, sha) = Measure(file.FullName);
                result.Add(new StoredFile(prefix + file.Name, size, sha));
            }
            catch (FileNotFoundException)
            {
                // deleted while listing
            }
        }
        return result;
    }

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private (string Full, string Normalized) Resolve(string relativePath)
    {
        var segments = RelativePaths.Segments(relativePath);
        if (string.Equals(segments[0], "tmp", StringComparison.OrdinalIgnoreCase))
            throw RelativePaths.Rejected(relativePath, "is inside 'tmp/', which the store keeps for its own scratch files");
        if (segments.Length == 1 && IsReservedRootName(segments[0]))
            throw RelativePaths.Rejected(relativePath, "is the metadata database, which only the store may touch");
        var full = Path.GetFullPath(Path.Combine([Root, .. segments]));
        // Belt and braces: the segment checks above already rule this out.
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw RelativePaths.Rejected(relativePath, "leaves the data directory");
        return (full, string.Join('/', segments));
    }

    private static bool IsReservedRootName(string name) =>
        ReservedRootFiles.Any(r => string.Equals(r, name, StringComparison.OrdinalIgnoreCase));

    private void MoveIntoPlace(string temp, string full, long size, string sha)
    {
        // Taken from our own inode before the rename, so a concurrent writer of the same path cannot mix up the cache.
        var modified = File.GetLastWriteTimeUtc(temp);
        var parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        File.Move(temp, full, overwrite: true); // rename(2): atomic replace on the same file system
        DirectorySync.Flush(parent);
        _hashes[full] = (size, modified, sha);
    }

    /// <summary>Size and sha256, both read through one open handle so they describe the same file.</summary>
    private (long Size, string Sha256) Measure(string full)
    {
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, CopyBufferSize);
        var size = stream.Length;
        var modified = File.GetLastWriteTimeUtc(stream.SafeFileHandle);
        if (_hashes.TryGetValue(full, out var known) && known.Size == size && known.ModifiedUtc == modified)
            return (size, known.Sha256);
        var sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        _hashes[full] = (size, modified, sha);
        return (size, sha);
    }

    private static FileNotFoundException NotFound(string normalized) =>
        new($"file '{normalized}' does not exist in the data directory", normalized);
}
