namespace ZeroCostDL4Mic.Storage.Tests;

public sealed class DatasetTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();
    private readonly DataStore _store;

    public DatasetTests() => _store = _dir.Open();

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Create_get_list_round_trip()
    {
        var a = _store.CreateDataset("HeLa nuclei", "masks");
        var b = _store.CreateDataset("Noisy actin", "paired");

        Assert.Matches("^ds_[0-9a-z]{14}$", a.Id);
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(a, _store.GetDataset(a.Id));
        Assert.Equal([a, b], _store.ListDatasets());
        Assert.Equal(TimeSpan.Zero, _store.GetDataset(a.Id)!.CreatedAt.Offset);
        Assert.Null(_store.GetDataset("ds_missing"));
    }

    [Fact]
    public void Upsert_sample_inserts_then_replaces_without_duplicates()
    {
        var ds = _store.CreateDataset("set", "paired");
        var first = Samples.Sample(_store, ds.Id, "img1", "source");
        _store.UpsertSample(first);
        _store.UpsertSample(first);
        var replaced = Samples.Sample(_store, ds.Id, "img1", "source", [9, 9, 9]) with { Shape = [1, 2, 3], Mean = 7 };
        _store.UpsertSample(replaced);
        _store.UpsertSample(Samples.Sample(_store, ds.Id, "img1", "target"));

        var samples = _store.ListSamples(ds.Id);
        Assert.Equal(2, samples.Count);
        Assert.Equal(["source", "target"], samples.Select(s => s.Role));
        var got = _store.GetSample(ds.Id, "img1", "source")!;
        Assert.Equal([1, 2, 3], got.Shape);
        Assert.Equal(7, got.Mean);
        Assert.Equal(replaced.Sha256, got.Sha256);
        Assert.Equal(replaced with { Shape = got.Shape }, got);
        Assert.Null(_store.GetSample(ds.Id, "img1", "mask"));
    }

    [Fact]
    public void Samples_are_listed_by_name_then_role()
    {
        var ds = _store.CreateDataset("set", "paired");
        foreach (var (name, role) in new[] { ("b", "target"), ("a", "target"), ("b", "source"), ("a", "source") })
            _store.UpsertSample(Samples.Sample(_store, ds.Id, name, role));

        Assert.Equal(["a/source", "a/target", "b/source", "b/target"],
            _store.ListSamples(ds.Id).Select(s => $"{s.Name}/{s.Role}"));
    }

    [Fact]
    public void Upsert_sample_refuses_missing_file_and_unknown_dataset()
    {
        var ds = _store.CreateDataset("set", "images");
        var sample = Samples.Sample(_store, ds.Id, "img", "image");

        Assert.Throws<FileNotFoundException>(() => _store.UpsertSample(sample with { RelativePath = "datasets/nowhere.tif" }));
        Assert.Throws<KeyNotFoundException>(() => _store.UpsertSample(sample with { DatasetId = "ds_unknown" }));
        Assert.Throws<ArgumentException>(() => _store.UpsertSample(sample with { RelativePath = "../escape.tif" }));
        Assert.Empty(_store.ListSamples(ds.Id));
    }

    [Fact]
    public void Delete_removes_rows_samples_and_files()
    {
        var keep = _store.CreateDataset("keep", "images");
        var gone = _store.CreateDataset("gone", "images");
        _store.UpsertSample(Samples.Sample(_store, keep.Id, "k", "image"));
        var sample = Samples.Sample(_store, gone.Id, "g", "image");
        _store.UpsertSample(sample);
        Assert.True(_store.Files.Exists(sample.RelativePath));

        Assert.True(_store.DeleteDataset(gone.Id));

        Assert.Null(_store.GetDataset(gone.Id));
        Assert.Empty(_store.ListSamples(gone.Id));
        Assert.False(_store.Files.Exists(sample.RelativePath));
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "datasets", gone.Id)));
        Assert.Single(_store.ListSamples(keep.Id));
        Assert.False(_store.DeleteDataset(gone.Id));
        Assert.False(_store.DeleteDataset("../models"));
        Assert.Empty(_dir.ScratchFiles());
    }
}
