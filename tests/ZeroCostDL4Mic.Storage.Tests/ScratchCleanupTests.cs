namespace ZeroCostDL4Mic.Storage.Tests;

public sealed class ScratchCleanupTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Leftovers_of_a_killed_process_are_removed_on_open()
    {
        using (_dir.Open())
        {
        }
        var tmp = Path.Combine(_dir.Path, "tmp");
        // What a SIGKILL mid-write leaves: a loose part file, a dead store's folder with its (unlocked) lock file, a trash folder.
        File.WriteAllBytes(Path.Combine(tmp, "stale.part"), new byte[100]);
        Directory.CreateDirectory(Path.Combine(tmp, "deadbeefdeadbeef", "f00d"));
        File.WriteAllBytes(Path.Combine(tmp, "deadbeefdeadbeef", "f00d", "weights_best.pt"), new byte[100]);
        File.WriteAllBytes(Path.Combine(tmp, "deadbeefdeadbeef.lock"), []);
        Directory.CreateDirectory(Path.Combine(tmp, "orphan-without-lock"));

        using var store = _dir.Open();

        Assert.Empty(_dir.ScratchFiles());
        Assert.Equal([Path.GetFileName(OwnScratchFolder(store))], Directory.GetDirectories(tmp).Select(Path.GetFileName));
    }

    [Fact]
    public void Opening_a_second_store_leaves_the_first_stores_scratch_alone()
    {
        using var first = _dir.Open();
        var firstFolder = OwnScratchFolder(first);
        var inFlight = Path.Combine(firstFolder, "in-flight.part");
        File.WriteAllBytes(inFlight, [1, 2, 3]);

        using (_dir.Open())
        {
            Assert.True(File.Exists(inFlight));
        }
        Assert.True(File.Exists(inFlight));
        Assert.Equal(3, first.Files.Write("still/works.bin", [1, 2, 3]).SizeBytes);
    }

    [Fact]
    public void Disposing_removes_the_stores_own_scratch_folder()
    {
        using (var store = _dir.Open())
            store.Files.Write("a.bin", [1]);

        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_dir.Path, "tmp")));
    }

    private string OwnScratchFolder(DataStore store)
    {
        var lockFile = Directory.GetFiles(Path.Combine(_dir.Path, "tmp"), "*.lock")
            .Single(f => IsHeld(f) && Directory.Exists(f[..^".lock".Length]) && store is not null);
        return lockFile[..^".lock".Length];
    }

    private static bool IsHeld(string lockFile)
    {
        try
        {
            using var _ = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
