using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using Xunit.Abstractions;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>The server killed with SIGKILL mid-training comes back on the same data: the job resumes, the queued one runs, nothing stored is lost.</summary>
public sealed class RestartTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);
    // Long enough (~0.4 s per epoch here) that the kill after epoch 1 lands well before the last epoch.
    private const int Epochs = 8;
    private const int StepsPerEpoch = 50;
    private static readonly Regex ResumedFrom = new(@"resumed from .*epoch (\d+)");
    private readonly string _dataDirectory = TempDirectory.Create("dl4mic-restart-test");

    [Fact]
    public async Task Training_resumes_after_sigkill_the_queued_one_runs_and_earlier_data_survives()
    {
        int port = ServerProcess.FreePort();
        string datasetId, earlierModelId, jobId, queuedJobId;
        IReadOnlyList<(string Name, SampleRole Role, string Sha256)> samples;
        Protos.V1.FileInfo earlierWeights;

        await using (var first = await ServerProcess.StartAsync(port, _dataDirectory, Ready))
        {
            var datasets = new Datasets.DatasetsClient(first.Channel);
            var jobs = new Jobs.JobsClient(first.Channel);
            datasetId = await TinyCare.PairedDatasetAsync(datasets, "restart", 128);
            samples = await datasets.SampleChecksumsAsync(datasetId);

            // A finished model from before the crash.
            var earlier = (await jobs.SubmitTrainingAsync(TinyCare.Training(datasetId, 1, "before-crash", StepsPerEpoch))).Job;
            var earlierEvents = await jobs.WatchToEndAsync(earlier.Id, TimeSpan.FromMinutes(2));
            Assert.True(earlierEvents.Last().State == JobState.Succeeded, GrpcClients.Describe(earlierEvents) + first.LogTail);
            earlierModelId = earlier.ModelId;
            earlierWeights = await WeightsAsync(new Models.ModelsClient(first.Channel), earlierModelId);

            // The training that the crash interrupts, killed right after its first finished epoch.
            jobId = (await jobs.SubmitTrainingAsync(TinyCare.Training(datasetId, Epochs, "interrupted", StepsPerEpoch))).Job.Id;
            // A second training waits behind it (one training at a time), so the crash also hits a queued job.
            queuedJobId = (await jobs.SubmitTrainingAsync(TinyCare.Training(datasetId, 1, "queued", StepsPerEpoch))).Job.Id;
            using var watch = jobs.WatchJob(new WatchJobRequest { JobId = jobId });
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await foreach (var e in watch.ResponseStream.ReadAllAsync(timeout.Token))
                if (e.EventCase == JobEvent.EventOneofCase.Epoch) break;
            Assert.Equal(JobState.Queued, (await jobs.GetJobAsync(new GetJobRequest { JobId = queuedJobId })).Job.State);
            await first.KillAsync();
        }

        await using var second = await ServerProcess.StartAsync(port, _dataDirectory, Ready);
        var jobsAfter = new Jobs.JobsClient(second.Channel);
        var events = await jobsAfter.WatchToEndAsync(jobId, TimeSpan.FromMinutes(2));
        var story = GrpcClients.Describe(events) + "\n" + second.LogTail;
        output.WriteLine(string.Join("\n", events.Where(e => e.EventCase != JobEvent.EventOneofCase.Progress).Select(e => $"{e.Time.ToDateTime():HH:mm:ss.fff} {GrpcClients.Describe([e])}")));

        Assert.True(events.Last().State == JobState.Succeeded, story);
        var resumeEvent = events.FirstOrDefault(e => e.EventCase == JobEvent.EventOneofCase.Message && ResumedFrom.IsMatch(e.Message));
        Assert.True(resumeEvent is not null, story);
        int resumedFrom = int.Parse(ResumedFrom.Match(resumeEvent.Message).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(resumedFrom, 1, Epochs - 1);
        // Every epoch after the checkpoint ran once after the restart; the model's history is complete.
        var epochsAfterResume = events.SkipWhile(e => e != resumeEvent).Where(e => e.EventCase == JobEvent.EventOneofCase.Epoch).Select(e => e.Epoch.Epoch);
        Assert.Equal(Enumerable.Range(resumedFrom + 1, Epochs - resumedFrom), epochsAfterResume);
        var models = new Models.ModelsClient(second.Channel);
        var model = (await models.GetModelAsync(new GetModelRequest { ModelId = events.Single(e => e.EventCase == JobEvent.EventOneofCase.Result).Result.ModelId })).Model;
        Assert.True(model.Ready);
        Assert.Equal(Enumerable.Range(1, Epochs), model.History.Select(h => h.Epoch));

        // The job that was still queued at the crash runs after the resumed one.
        var queuedEvents = await jobsAfter.WatchToEndAsync(queuedJobId, TimeSpan.FromMinutes(2));
        Assert.True(queuedEvents.Last().State == JobState.Succeeded, GrpcClients.Describe(queuedEvents) + "\n" + second.LogTail);
        var queuedModel = (await models.GetModelAsync(new GetModelRequest { ModelId = queuedEvents.Single(e => e.EventCase == JobEvent.EventOneofCase.Result).Result.ModelId })).Model;
        Assert.True(queuedModel.Ready);
        Assert.True(queuedEvents.First(e => e.EventCase == JobEvent.EventOneofCase.State && e.State == JobState.Running).Time.ToDateTime() >= events.Last().Time.ToDateTime(), "the queued job started before the resumed one finished");

        // What existed before the crash is intact.
        Assert.Equal(samples, await new Datasets.DatasetsClient(second.Channel).SampleChecksumsAsync(datasetId));
        Assert.Equal(earlierWeights, await WeightsAsync(models, earlierModelId));
        Assert.True((await models.GetModelAsync(new GetModelRequest { ModelId = earlierModelId })).Model.Ready);
    }

    private static async Task<Protos.V1.FileInfo> WeightsAsync(Models.ModelsClient client, string modelId) =>
        (await client.GetModelAsync(new GetModelRequest { ModelId = modelId })).Model.Files.Single(f => f.Name == "weights_best.dat");

    public void Dispose() => TempDirectory.Delete(_dataDirectory);
}
