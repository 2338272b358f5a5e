using System.Security.Cryptography;
using System.Text;

namespace ZeroCostDL4Mic.Storage.Tests;

public sealed class FileStoreTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();
    private readonly DataStore _store;

    public FileStoreTests() => _store = _dir.Open();

    private FileStore Files => _store.Files;

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Write_bytes_stores_content_and_sha256_and_leaves_no_scratch_files()
    {
        var content = Encoding.UTF8.GetBytes("hello microscopy");

        var stored = Files.Write("models/m1/config.json", content);

        Assert.Equal(new StoredFile("models/m1/config.json", content.Length, Sha(content)), stored);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", FileStore.Sha256Hex([]));
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(_dir.Path, "models", "m1", "config.json")));
        Assert.Empty(_dir.ScratchFiles());
    }

    [Fact]
    public void Write_overwrites_and_accepts_backslashes_as_separators()
    {
        Files.Write("a/b.bin", [1, 2, 3]);
        var stored = Files.Write("a\\b.bin", [4, 5]);

        Assert.Equal("a/b.bin", stored.RelativePath);
        Assert.Equal(new byte[] { 4, 5 }, Files.ReadAllBytes("a/b.bin"));
        Assert.Equal(stored, Files.Describe("a/b.bin"));
    }

    [Fact]
    public void Write_stream_hashes_while_copying()
    {
        var content = RandomNumberGenerator.GetBytes(300_000);

        var stored = Files.Write("datasets/big.raw", new MemoryStream(content));

        Assert.Equal(content.Length, stored.SizeBytes);
        Assert.Equal(Sha(content), stored.Sha256);
        Assert.Equal(content, Files.ReadAllBytes("datasets/big.raw"));
        Assert.Empty(_dir.ScratchFiles());
    }

    [Fact]
    public void WriteWith_gives_a_scratch_path_with_the_target_file_name()
    {
        string? given = null;

        var stored = Files.WriteWith("models/m/weights_best.pt", temp =>
        {
            given = temp;
            File.WriteAllText(temp, "checkpoint");
        });

        Assert.Equal("weights_best.pt", Path.GetFileName(given));
        Assert.StartsWith(Path.Combine(_dir.Path, "tmp"), given);
        Assert.Equal(Sha(Encoding.UTF8.GetBytes("checkpoint")), stored.Sha256);
        Assert.Equal("checkpoint", File.ReadAllText(Files.FullPath("models/m/weights_best.pt")));
        Assert.Empty(_dir.ScratchFiles());
    }

    [Fact]
    public void A_writer_that_fails_halfway_leaves_the_previous_file_intact()
    {
        var previous = Files.Write("models/m/weights_last.pt", [1, 1, 1]);

        Assert.Throws<IOException>(() => Files.WriteWith("models/m/weights_last.pt", temp =>
        {
            using var partial = File.Create(temp);
            partial.Write(new byte[5000]);
            throw new IOException("disk full (simulated)");
        }));
        Assert.Throws<IOException>(() => Files.Write("models/m/weights_last.pt", new FailingStream(10_000)));
        Assert.Throws<IOException>(() => Files.Write("models/m/new.pt", new FailingStream(10_000)));

        Assert.Equal(new byte[] { 1, 1, 1 }, Files.ReadAllBytes("models/m/weights_last.pt"));
        Assert.Equal([previous], Files.List("models/m"));
        Assert.False(Files.Exists("models/m/new.pt"));
        Assert.Empty(_dir.ScratchFiles());
    }

    [Fact]
    public void A_writer_that_creates_nothing_is_an_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Files.WriteWith("x/y.bin", _ => { }));

        Assert.Contains("x/y.bin", error.Message);
        Assert.False(Files.Exists("x/y.bin"));
    }

    [Fact]
    public void OpenRead_and_Describe_throw_FileNotFound_for_absent_files()
    {
        Assert.Throws<FileNotFoundException>(() => Files.OpenRead("nowhere/file.bin"));
        Assert.Throws<FileNotFoundException>(() => Files.OpenRead("models/absent.bin"));
        Assert.Throws<FileNotFoundException>(() => Files.Describe("models/absent.bin"));
        Assert.False(Files.Exists("models/absent.bin"));
    }

    [Fact]
    public void List_is_sorted_non_recursive_and_empty_for_missing_folders()
    {
        Files.Write("m/b.txt", "bb"u8);
        Files.Write("m/a.txt", "a"u8);
        Files.Write("m/sub/c.txt", "c"u8);

        var listed = Files.List("m");

        Assert.Equal(["m/a.txt", "m/b.txt"], listed.Select(f => f.RelativePath));
        Assert.Equal(Sha("bb"u8.ToArray()), listed[1].Sha256);
        Assert.Equal(2, listed[1].SizeBytes);
        Assert.Empty(Files.List("missing"));
        Assert.DoesNotContain(Files.List(""), f => f.RelativePath.StartsWith("metadata.db", StringComparison.Ordinal));
    }

    [Fact]
    public void List_notices_files_changed_behind_its_back()
    {
        Files.Write("m/a.txt", "one"u8);
        Assert.Equal(Sha("one"u8.ToArray()), Files.List("m")[0].Sha256);

        File.WriteAllText(Files.FullPath("m/a.txt"), "three");
        File.SetLastWriteTimeUtc(Files.FullPath("m/a.txt"), DateTime.UtcNow.AddMinutes(1));

        Assert.Equal(Sha("three"u8.ToArray()), Files.List("m")[0].Sha256);
    }

    [Fact]
    public void Delete_and_DeleteDirectory_remove_and_tolerate_absence()
    {
        Files.Write("d/one.bin", [1]);
        Files.Write("d/inner/two.bin", [2]);

        Files.Delete("d/one.bin");
        Files.Delete("d/one.bin");
        Files.Delete("nowhere/one.bin");
        Assert.False(Files.Exists("d/one.bin"));

        Files.DeleteDirectory("d");
        Files.DeleteDirectory("d");
        Assert.False(Files.DirectoryExists("d"));
        Assert.Empty(_dir.ScratchFiles());
    }

    [Fact]
    public void The_directory_holding_a_renamed_file_can_be_fsynced()
    {
        if (OperatingSystem.IsWindows()) return;
        Assert.True(DirectorySync.Flush(_dir.Path));
    }

    private static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Yields zeros, then fails like a dropped upload.</summary>
    private sealed class FailingStream(int failAfter) : Stream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter) throw new IOException("connection reset (simulated)");
            var n = Math.Min(count, Math.Min(1000, failAfter - _position));
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
