namespace ZeroCostDL4Mic.Storage.Tests;

/// <summary>A fresh data directory under the system temp folder, removed after the test.</summary>
public sealed class TempDataDirectory : IDisposable
{
    public TempDataDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "zcdl4m-storage-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public DataStore Open() => new(Path);

    public string[] ScratchFiles() =>
        Directory.Exists(System.IO.Path.Combine(Path, "tmp"))
            ? Directory.GetFiles(System.IO.Path.Combine(Path, "tmp"), "*", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)).ToArray()
            : [];

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
