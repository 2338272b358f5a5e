using System.Globalization;
using Grpc.Core;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Watching;

/// <summary>A finished (or given-up-on) job: its final record and, when it succeeded, its result.</summary>
public sealed record JobOutcome(Job Job, JobResult? Result, string? Failure)
{
    public int ExitCode => ExitCodes.FromJobState(Job.State);
}

/// <summary>
/// Follows a job's event stream to its end with a progress bar on stderr (epoch, step, loss, val_loss, lr,
/// ETA) and one line per finished epoch; reconnects if the stream drops before the job ends.
/// </summary>
public sealed class JobWatcher(ServerConnection server, CliConsole console)
{
    private const int MaxReconnects = 5;

    public Task<JobOutcome> WatchAsync(string jobId, CancellationToken cancellation) =>
        ProgressView.RunAsync(console, async view =>
        {
            var state = new WatchState(view, jobId);
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    using var call = server.Jobs.WatchJob(new WatchJobRequest { JobId = jobId }, cancellationToken: cancellation);
                    await foreach (var jobEvent in call.ResponseStream.ReadAllAsync(cancellation))
                        state.Apply(jobEvent);
                }
                catch (RpcException error) when (error.StatusCode is StatusCode.Unavailable or StatusCode.Internal
                                                 && attempt < MaxReconnects && !cancellation.IsCancellationRequested)
                {
                    view.Line($"lost the job's event stream ({error.Status.Detail}); reconnecting");
                    await Task.Delay(TimeSpan.FromSeconds(1 + attempt), cancellation);
                    continue;
                }

                var job = (await server.Jobs.GetJobAsync(new GetJobRequest { JobId = jobId }, cancellationToken: cancellation)).Job;
                if (IsFinal(job.State) || attempt >= MaxReconnects)
                {
                    state.Finish(job);
                    return new JobOutcome(job, state.Result, state.Failure ?? (job.State == JobState.Failed ? job.Message : null));
                }
                await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
            }
        });

    public static bool IsFinal(JobState state) => state is JobState.Succeeded or JobState.Failed or JobState.Cancelled;

    /// <summary>What the events said so far; events replayed after a reconnect are skipped by sequence number.</summary>
    private sealed class WatchState(IProgressView view, string jobId)
    {
        private long _lastSequence = -1;
        private IProgressItem? _bar;
        private int _epochs;
        private double _lastValLoss = double.NaN;
        private EpochMetrics? _best;
        private int _epochsDone;
        private TimeSpan? _lastEta;

        public JobResult? Result { get; private set; }
        public string? Failure { get; private set; }

        public void Apply(JobEvent jobEvent)
        {
            if (jobEvent.Sequence > 0 && jobEvent.Sequence <= _lastSequence) return;
            _lastSequence = Math.Max(_lastSequence, jobEvent.Sequence);
            switch (jobEvent.EventCase)
            {
                case JobEvent.EventOneofCase.State:
                    if (jobEvent.State is JobState.Queued or JobState.Running)
                        view.Line($"job {jobId}: {Names.Of(jobEvent.State)}");
                    break;
                case JobEvent.EventOneofCase.Progress:
                    ShowProgress(jobEvent.Progress);
                    break;
                case JobEvent.EventOneofCase.Epoch:
                    var epoch = jobEvent.Epoch;
                    _lastValLoss = epoch.ValLoss;
                    _epochsDone = Math.Max(_epochsDone, epoch.Epoch);
                    if (_best is null || epoch.Best || epoch.ValLoss < _best.ValLoss) _best = epoch;
                    view.Line(EpochLine(epoch, _epochs) + (_lastEta is { } eta ? $"  ETA {Duration(eta)}" : ""));
                    break;
                case JobEvent.EventOneofCase.Message:
                    view.Line(jobEvent.Message);
                    break;
                case JobEvent.EventOneofCase.Result:
                    Result = jobEvent.Result;
                    break;
                case JobEvent.EventOneofCase.Failure:
                    Failure = jobEvent.Failure;
                    break;
            }
        }

        private void ShowProgress(JobProgress progress)
        {
            _epochs = progress.Epochs;
            double total = Math.Max(1, (double)progress.Epochs * Math.Max(1, progress.Steps));
            double done = (double)Math.Max(0, progress.Epoch - 1) * Math.Max(1, progress.Steps) + progress.Step;
            _bar ??= view.Add("starting", total);
            _bar.MaxValue = total;
            _bar.Value = done;
            _bar.Description = ProgressLine(progress, _lastValLoss);
            _lastEta = progress.Eta?.ToTimeSpan();
            _bar.Eta = _lastEta;
        }

        public void Finish(Job job)
        {
            if (_bar is not null)
            {
                // In plain mode the completed bar prints its description once: make it the run's summary.
                if (_best is not null)
                    _bar.Description = $"{_epochsDone} epochs, best val_loss {Number(_best.ValLoss)} at epoch {_best.Epoch}";
                if (job.State == JobState.Succeeded) _bar.Complete();
                else _bar.Description += $" ({Names.Of(job.State)})";
            }
            var line = $"job {job.Id}: {Names.Of(job.State)}";
            if (job.State != JobState.Succeeded && !string.IsNullOrWhiteSpace(Failure ?? job.Message))
                line += $": {Failure ?? job.Message}";
            view.Line(line);
        }
    }

    public static string ProgressLine(JobProgress progress, double lastValLoss)
    {
        var parts = new List<string>();
        if (progress.Epochs > 0) parts.Add($"epoch {progress.Epoch}/{progress.Epochs}");
        if (progress.Steps > 0) parts.Add($"step {progress.Step}/{progress.Steps}");
        if (progress.Epochs > 0 || progress.Loss != 0) parts.Add($"loss {Number(progress.Loss)}");
        if (!double.IsNaN(lastValLoss)) parts.Add($"val_loss {Number(lastValLoss)}");
        if (progress.LearningRate > 0) parts.Add($"lr {progress.LearningRate.ToString("0.0e+00", CultureInfo.InvariantCulture)}");
        return string.Join("  ", parts);
    }

    public static string EpochLine(EpochMetrics epoch, int epochs)
    {
        var of = epochs > 0 ? $"/{epochs}" : "";
        var line = $"epoch {epoch.Epoch}{of}  loss {Number(epoch.Loss)}  val_loss {Number(epoch.ValLoss)}  " +
                   $"lr {epoch.LearningRate.ToString("0.0e+00", CultureInfo.InvariantCulture)}";
        return epoch.Best ? line + "  (best, saved)" : line;
    }

    public static string Number(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : span.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
}
