namespace ZeroCostDL4Mic.Storage.Tests;

public sealed class PathValidationTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();
    private readonly DataStore _store;

    public PathValidationTests() => _store = _dir.Open();

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("../x", "'../x'")]
    [InlineData("/etc/passwd", "'/etc/passwd'")]
    [InlineData("a/../../b", "'a/../../b'")]
    [InlineData("a\0b", "'a\\0b'")]
    [InlineData("..\\x", "'..\\x'")]
    [InlineData("\\\\server\\share", "'\\\\server\\share'")]
    [InlineData("C:\\Windows", "'C:\\Windows'")]
    [InlineData("c:x", "'c:x'")]
    [InlineData("a//b", "'a//b'")]
    [InlineData("a/", "'a/'")]
    [InlineData("./a", "'./a'")]
    [InlineData("", "''")]
    [InlineData("tmp/x", "'tmp/x'")]
    [InlineData("metadata.db", "'metadata.db'")]
    [InlineData("metadata.db-wal", "'metadata.db-wal'")]
    public void Paths_leaving_the_data_directory_or_touching_its_internals_are_rejected(string path, string quoted)
    {
        var error = Assert.Throws<ArgumentException>(() => _store.Files.FullPath(path));
        Assert.Contains(quoted, error.Message);

        Assert.Throws<ArgumentException>(() => _store.Files.Write(path, [1]));
        Assert.Throws<ArgumentException>(() => _store.Files.Write(path, new MemoryStream([1])));
        Assert.Throws<ArgumentException>(() => _store.Files.WriteWith(path, p => File.WriteAllBytes(p, [1])));
        Assert.Throws<ArgumentException>(() => _store.Files.Exists(path));
        Assert.Throws<ArgumentException>(() => _store.Files.OpenRead(path));
        Assert.Throws<ArgumentException>(() => _store.Files.Delete(path));
        Assert.Throws<ArgumentException>(() => _store.Files.DeleteDirectory(path));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_dir.Path)!, "x")));
    }

    [Theory]
    [InlineData("a.tif")]
    [InlineData("datasets/ds_1/source/img 01.tif")]
    [InlineData("models/m/weights..best.pt")]
    [InlineData("tmpfile")]
    [InlineData("m/metadata.db")]
    public void Ordinary_relative_paths_resolve_inside_the_data_directory(string path)
    {
        var full = _store.Files.FullPath(path);

        Assert.StartsWith(_dir.Path + Path.DirectorySeparatorChar, full);
        Assert.Equal(path, _store.Files.Write(path, [7]).RelativePath);
    }
}
