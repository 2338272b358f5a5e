namespace ZeroCostDL4Mic.Storage.Tests;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();
    private readonly DataStore _store;

    public ConcurrencyTests() => _store = _dir.Open();

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Many_threads_write_and_read_without_lock_errors()
    {
        const int threads = 8, rounds = 25;
        var dataset = _store.CreateDataset("shared", "images");
        var job = _store.CreateJob(Samples.Job("running"));
        using var start = new Barrier(threads);

        var tasks = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < rounds; i++)
            {
                _store.UpsertSample(Samples.Sample(_store, dataset.Id, $"t{t}-{i}", "image", [(byte)t, (byte)i]));
                _store.AppendJobEvent(job.Id, "progress", $$"""{"thread":{{t}},"i":{{i}}}""");
                var model = _store.CreateModel(Samples.Model(dataset.Id, $"t{t}-{i}"));
                _store.UpdateModel(model with { Ready = true });
                _store.Files.Write("shared/last.bin", [(byte)t, (byte)i]);
                Assert.NotNull(_store.GetModel(model.Id));
                Assert.NotEmpty(_store.ListSamples(dataset.Id));
                _ = _store.ListJobEvents(job.Id);
                _ = _store.ListJobs();
                _ = _store.Files.List("shared");
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(tasks);

        Assert.Equal(threads * rounds, _store.ListSamples(dataset.Id).Count);
        Assert.Equal(threads * rounds, _store.ListModels().Count(m => m.Ready));
        Assert.Equal(Enumerable.Range(1, threads * rounds).Select(i => (long)i),
            _store.ListJobEvents(job.Id).Select(e => e.Sequence));
        var last = Assert.Single(_store.Files.List("shared"));
        Assert.Equal(2, last.SizeBytes);
        Assert.Equal(FileStore.Sha256Hex(_store.Files.ReadAllBytes("shared/last.bin")), last.Sha256);
        Assert.Empty(_dir.ScratchFiles());
    }

    [Fact]
    public void Two_stores_on_one_directory_share_the_database()
    {
        using var other = _dir.Open();
        var job = _store.CreateJob(Samples.Job());

        Parallel.For(0, 40, i => (i % 2 == 0 ? _store : other).AppendJobEvent(job.Id, "progress", "{}"));

        Assert.Equal(40, other.ListJobEvents(job.Id).Count);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), _store.ListJobEvents(job.Id).Select(e => e.Sequence));
    }
}
