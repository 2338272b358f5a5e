using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Storage;

namespace ZeroCostDL4Mic.Engine.Jobs;

/// <summary>
/// Runs queued jobs: at most MaxConcurrentTrainings trainings per device, QC and batch prediction alongside.
/// Each job gets its own long-running thread (TorchSharp dispose scopes are per thread). Jobs found
/// "running" at start-up were interrupted by a crash or restart: they are queued again and a training
/// resumes from its last checkpoint.
/// </summary>
public sealed class JobQueue(DataStore store, JobEventHub events, JobExecutors executors, IOptions<EngineOptions> options, ILogger<JobQueue> logger)
    : BackgroundService
{
    sealed record RunningJob(JobRecord Job, JobContext Context, CancellationTokenSource Cancellation);

    readonly ConcurrentDictionary<string, RunningJob> running = new();
    readonly SemaphoreSlim wake = new(0);
    readonly Lock gate = new();
    volatile bool stopping;

    public void Wake() => wake.Release();

    public TimeSpan? Eta(string jobId) => running.TryGetValue(jobId, out var job) ? job.Context.Eta : null;

    /// <summary>Cancels a queued job at once or asks a running one to stop at its next step.</summary>
    public void Cancel(string jobId)
    {
        lock (gate)
        {
            if (running.TryGetValue(jobId, out var job))
            {
                job.Cancellation.Cancel();
                return;
            }
            var record = store.GetJob(jobId) ?? throw new NotFoundException("job", jobId);
            if (record.State != JobRecords.Queued) return;
            store.UpdateJob(record with { State = JobRecords.Cancelled, FinishedAt = DateTimeOffset.UtcNow, Message = "cancelled before it started" });
            executors.Abandon(record);
            events.Publish(jobId, new JobStateChanged(JobState.Cancelled));
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var job in store.ListJobsInStates(JobRecords.Running))
        {
            store.UpdateJob(job with { State = JobRecords.Queued });
            events.Publish(job.Id, new JobMessage("the server restarted while this job ran; it is queued again and resumes from its last checkpoint"));
            events.Publish(job.Id, new JobStateChanged(JobState.Queued));
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            StartReadyJobs(stoppingToken);
            try { await wake.WaitAsync(TimeSpan.FromSeconds(2), stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Interrupted jobs stay "running" in the database, so the next start resumes them.
        stopping = true;
        foreach (var job in running.Values) job.Cancellation.Cancel();
        await base.StopAsync(cancellationToken);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!running.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(50, CancellationToken.None);
    }

    void StartReadyJobs(CancellationToken stoppingToken)
    {
        lock (gate)
        {
            foreach (var job in store.ListJobsInStates(JobRecords.Queued))
            {
                if (stopping || running.ContainsKey(job.Id)) continue;
                int trainings = running.Values.Count(r => r.Job.Kind == JobRecords.Training);
                if (job.Kind == JobRecords.Training && trainings >= options.Value.MaxConcurrentTrainings) continue;
                Start(job, stoppingToken);
            }
        }
    }

    void Start(JobRecord job, CancellationToken stoppingToken)
    {
        var started = job with { State = JobRecords.Running, StartedAt = job.StartedAt ?? DateTimeOffset.UtcNow };
        store.UpdateJob(started);
        var context = new JobContext(store, events, job.Id);
        var entry = new RunningJob(started, context, CancellationTokenSource.CreateLinkedTokenSource(stoppingToken));
        running[job.Id] = entry;
        events.Publish(job.Id, new JobStateChanged(JobState.Running));
        var thread = new Thread(() => Run(entry)) { IsBackground = true, Name = $"job {job.Id}" };
        thread.Start();
    }

    void Run(RunningJob entry)
    {
        var job = entry.Job;
        try
        {
            var result = executors.Execute(job, entry.Context, entry.Cancellation.Token);
            Finish(job.Id, JobState.Succeeded, "done", result);
        }
        catch (OperationCanceledException) when (entry.Cancellation.IsCancellationRequested)
        {
            if (stopping) return;
            var outcome = executors.Cancelled(job, entry.Context);
            Finish(job.Id, JobState.Cancelled, outcome, null);
        }
        catch (Exception e)
        {
            string reason = e is EngineException or ImageFormatException or ArgumentException or InvalidOperationException or InvalidDataException
                ? e.Message
                : $"internal error ({e.GetType().Name}): {e.Message}";
            logger.LogError(e, "job {JobId} failed", job.Id);
            executors.Abandon(job);
            events.Publish(job.Id, new JobFailed(reason));
            Finish(job.Id, JobState.Failed, reason, null);
        }
        finally
        {
            running.TryRemove(job.Id, out _);
            entry.Cancellation.Dispose();
            Wake();
        }
    }

    void Finish(string jobId, JobState state, string message, JobSucceeded? result)
    {
        if (result is not null) events.Publish(jobId, result);
        var record = store.GetJob(jobId)!;
        store.UpdateJob(record with { State = JobRecords.Text(state), FinishedAt = DateTimeOffset.UtcNow, Message = message });
        events.Publish(jobId, new JobStateChanged(state));
    }
}
