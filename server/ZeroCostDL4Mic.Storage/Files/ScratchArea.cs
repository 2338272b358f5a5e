namespace ZeroCostDL4Mic.Storage;

/// <summary>
/// This store's own folder under <c>&lt;data&gt;/tmp/</c> for files being written, held by a locked
/// <c>&lt;id&gt;.lock</c> file. On open, folders whose lock nobody holds are leftovers of a crashed
/// process and are deleted; folders of live stores (other processes, other instances) are left alone.
/// </summary>
internal sealed class ScratchArea : IDisposable
{
    private const string LockSuffix = ".lock";
    private readonly FileStream _lock;
    private readonly string _lockPath;

    public ScratchArea(string tmpRoot)
    {
        Root = tmpRoot;
        Directory.CreateDirectory(tmpRoot);
        (_lock, _lockPath, Folder) = Acquire(tmpRoot);
        RemoveStale(tmpRoot);
    }

    /// <summary>The <c>tmp/</c> folder shared by all stores on this data directory.</summary>
    public string Root { get; }

    /// <summary>This instance's private folder inside <see cref="Root"/>.</summary>
    public string Folder { get; }

    public string NewFilePath() => Path.Combine(Folder, Guid.NewGuid().ToString("N") + ".part");

    public string NewFolder()
    {
        var path = Path.Combine(Folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        TryDeleteDirectory(Folder);
        try { File.Delete(_lockPath); } catch (IOException) { }
        _lock.Dispose();
    }

    public static void TryDeleteFile(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static void TryDeleteDirectory(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static (FileStream Lock, string LockPath, string Folder) Acquire(string tmpRoot)
    {
        for (var attempt = 0; ; attempt++)
        {
            var id = Guid.NewGuid().ToString("N")[..16];
            var lockPath = Path.Combine(tmpRoot, id + LockSuffix);
            FileStream? held = null;
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) on Unix, released when the process dies.
                held = new FileStream(lockPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
                // Another store's cleanup may have taken and deleted the file between our create and lock.
                if (File.Exists(lockPath))
                {
                    var directory = Path.Combine(tmpRoot, id);
                    Directory.CreateDirectory(directory);
                    return (held, lockPath, directory);
                }
            }
            catch (IOException) when (attempt < 10)
            {
            }
            held?.Dispose();
            if (attempt >= 10) throw new IOException($"could not create a scratch folder in '{tmpRoot}'");
        }
    }

    private static void RemoveStale(string tmpRoot)
    {
        foreach (var entry in new DirectoryInfo(tmpRoot).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo folder)
            {
                var lockPath = folder.FullName + LockSuffix;
                if (!File.Exists(lockPath))
                    TryDeleteDirectory(folder.FullName);
                // Otherwise the loop reaches the lock file itself, which decides.
            }
            else if (entry.Name.EndsWith(LockSuffix, StringComparison.Ordinal))
            {
                if (!TryTakeLock(entry.FullName, out var taken)) continue;
                using (taken)
                {
                    TryDeleteDirectory(entry.FullName[..^LockSuffix.Length]);
                    TryDeleteFile(entry.FullName);
                }
            }
            else
            {
                TryDeleteFile(entry.FullName);
            }
        }
    }

    private static bool TryTakeLock(string lockPath, out FileStream? taken)
    {
        try
        {
            taken = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (FileNotFoundException)
        {
            taken = null;
            return false;
        }
        catch (IOException)
        {
            taken = null;
            return false; // a live store holds it
        }
        catch (UnauthorizedAccessException)
        {
            taken = null;
            return false;
        }
    }
}
