namespace ZeroCostDL4Mic.Storage.Tests;

public sealed class JobTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();
    private readonly DataStore _store;

    public JobTests() => _store = _dir.Open();

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Create_get_update_round_trip()
    {
        var job = _store.CreateJob(Samples.Job());
        Assert.StartsWith("job_", job.Id);
        Assert.Equal(job, _store.GetJob(job.Id));

        var now = DateTimeOffset.UtcNow;
        var running = job with
        {
            State = "running", StartedAt = now, Epoch = 3, Loss = 0.25, ValLoss = 0.5, Message = "epoch 3/10",
            Owner = "worker-1", ModelId = "mdl_1",
        };
        _store.UpdateJob(running);
        Assert.Equal(running, _store.GetJob(job.Id));

        var done = running with { State = "succeeded", FinishedAt = now.AddMinutes(1), Network = null, DatasetId = null };
        _store.UpdateJob(done);
        Assert.Equal(done, _store.GetJob(job.Id));

        Assert.Null(_store.GetJob("job_missing"));
        Assert.Throws<KeyNotFoundException>(() => _store.UpdateJob(done with { Id = "job_missing" }));
    }

    [Fact]
    public void List_is_newest_first_and_states_filter_is_oldest_first()
    {
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var a = _store.CreateJob(Samples.Job("queued", t0.AddSeconds(1)));
        var b = _store.CreateJob(Samples.Job("running", t0.AddSeconds(2)));
        var c = _store.CreateJob(Samples.Job("queued", t0.AddSeconds(3)));
        var d = _store.CreateJob(Samples.Job("succeeded", t0.AddSeconds(4)));
        // Same creation time as c: creation order breaks the tie.
        var e = _store.CreateJob(Samples.Job("queued", t0.AddSeconds(3)));

        Assert.Equal([d.Id, e.Id, c.Id, b.Id, a.Id], _store.ListJobs().Select(j => j.Id));
        Assert.Equal([a.Id, c.Id, e.Id], _store.ListJobsInStates("queued").Select(j => j.Id));
        Assert.Equal([a.Id, b.Id, c.Id, e.Id], _store.ListJobsInStates("queued", "running").Select(j => j.Id));
        Assert.Empty(_store.ListJobsInStates());
        Assert.Empty(_store.ListJobsInStates("cancelled"));
    }

    [Fact]
    public void Events_are_numbered_per_job_and_listed_after_a_sequence()
    {
        var a = _store.CreateJob(Samples.Job());
        var b = _store.CreateJob(Samples.Job());

        var a1 = _store.AppendJobEvent(a.Id, "progress", """{"step":1}""");
        var b1 = _store.AppendJobEvent(b.Id, "progress", """{"step":1}""");
        var a2 = _store.AppendJobEvent(a.Id, "epoch", """{"epoch":1,"loss":0.3}""");
        var a3 = _store.AppendJobEvent(a.Id, "result", "{}");

        Assert.Equal([1L, 2L, 3L], new[] { a1, a2, a3 }.Select(e => e.Sequence));
        Assert.Equal(1, b1.Sequence);
        Assert.Equal([a1, a2, a3], _store.ListJobEvents(a.Id));
        Assert.Equal([a3], _store.ListJobEvents(a.Id, afterSequence: 2));
        Assert.Empty(_store.ListJobEvents(a.Id, afterSequence: 3));
        Assert.Equal([b1], _store.ListJobEvents(b.Id));
        Assert.Throws<KeyNotFoundException>(() => _store.AppendJobEvent("job_missing", "progress", "{}"));
    }

    [Fact]
    public void Delete_removes_job_and_events()
    {
        var job = _store.CreateJob(Samples.Job());
        _store.AppendJobEvent(job.Id, "progress", "{}");

        Assert.True(_store.DeleteJob(job.Id));

        Assert.Null(_store.GetJob(job.Id));
        Assert.Empty(_store.ListJobEvents(job.Id));
        Assert.False(_store.DeleteJob(job.Id));
    }

    [Fact]
    public void Ids_sort_in_creation_order()
    {
        var ids = Enumerable.Range(0, 200).Select(_ => _store.CreateJob(Samples.Job()).Id).ToList();

        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
