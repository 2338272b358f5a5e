namespace ZeroCostDL4Mic.Imaging.Tests;

/// <summary>A temporary folder per test, deleted afterwards.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder()
    {
        Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "zcdl4m-imaging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string File(string name) => System.IO.Path.Combine(Root, name);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
