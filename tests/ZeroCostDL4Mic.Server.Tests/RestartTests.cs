using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using Xunit.Abstractions;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>The server killed with SIGKILL mid-training comes back on the same data: the job resumes, nothing stored is lost.</summary>
public sealed class RestartTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);
    // Long enough (~0.4 s per epoch here) that the kill after epoch 1 lands well before the last epoch.
    private const int Epochs = 8;
    private const int StepsPerEpoch = 50;
    private static readonly Regex ResumedFrom = new(@"resumed from .*epoch (\d+)");
    private readonly string _dataDirectory = TempDirectory.Create("dl4mic-restart-test");

    [Fact]
    public async Task Training_resumes_after_sigkill_and_earlier_data_survives()
    {
        int port = ServerProcess.FreePort();
        var clean = TestImages.Crop(TestImages.Load("em-0.png"), 0, 0, 128, 128);
        string datasetId, earlierModelId, jobId;
        IReadOnlyList<(string, SampleRole, string)> samples;
        Protos.V1.FileInfo earlierWeights;

        await using (var first = await ServerProcess.StartAsync(port, _dataDirectory, Ready))
        {
            var datasets = new Datasets.DatasetsClient(first.Channel);
            var jobs = new Jobs.JobsClient(first.Channel);
            datasetId = (await datasets.CreateDatasetAsync("restart", DatasetKind.Paired)).Id;
            await datasets.UploadAsync(datasetId,
                new UploadFile(SampleRole.Source, "em", TestImages.PoissonGaussian(clean, 10, 20, seed: 3), DType.Float32),
                new UploadFile(SampleRole.Target, "em", clean, DType.Uint8));
            samples = await SamplesAsync(datasets, datasetId);

            // A finished model from before the crash.
            var earlier = (await jobs.SubmitTrainingAsync(Training(datasetId, 1, "before-crash"))).Job;
            var earlierEvents = await jobs.WatchToEndAsync(earlier.Id, TimeSpan.FromMinutes(2));
            Assert.True(earlierEvents.Last().State == JobState.Succeeded, GrpcClients.Describe(earlierEvents) + first.LogTail);
            earlierModelId = earlier.ModelId;
            earlierWeights = await WeightsAsync(new Models.ModelsClient(first.Channel), earlierModelId);

            // The training that the crash interrupts, killed right after its first finished epoch.
            jobId = (await jobs.SubmitTrainingAsync(Training(datasetId, Epochs, "interrupted"))).Job.Id;
            using var watch = jobs.WatchJob(new WatchJobRequest { JobId = jobId });
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await foreach (var e in watch.ResponseStream.ReadAllAsync(timeout.Token))
                if (e.EventCase == JobEvent.EventOneofCase.Epoch) break;
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

        // What existed before the crash is intact.
        Assert.Equal(samples, await SamplesAsync(new Datasets.DatasetsClient(second.Channel), datasetId));
        Assert.Equal(earlierWeights, await WeightsAsync(models, earlierModelId));
        Assert.True((await models.GetModelAsync(new GetModelRequest { ModelId = earlierModelId })).Model.Ready);
    }

    private static SubmitTrainingRequest Training(string datasetId, int epochs, string name) => new()
    {
        Network = "care-2d",
        DatasetId = datasetId,
        ModelName = name,
        Parameters =
        {
            new ParameterValue { Name = "epochs", Value = epochs.ToString(CultureInfo.InvariantCulture) },
            new ParameterValue { Name = "steps_per_epoch", Value = StepsPerEpoch.ToString(CultureInfo.InvariantCulture) },
            new ParameterValue { Name = "batch_size", Value = "4" },
            new ParameterValue { Name = "patch_size", Value = "32" },
            new ParameterValue { Name = "unet_depth", Value = "2" },
            new ParameterValue { Name = "unet_base_filters", Value = "8" },
            new ParameterValue { Name = "unet_kern_size", Value = "3" },
        },
    };

    private static async Task<IReadOnlyList<(string, SampleRole, string)>> SamplesAsync(Datasets.DatasetsClient client, string datasetId) =>
        (await client.GetDatasetAsync(new GetDatasetRequest { DatasetId = datasetId })).Dataset.Samples
            .Select(s => (s.Name, s.Role, s.Sha256)).Order().ToList();

    private static async Task<Protos.V1.FileInfo> WeightsAsync(Models.ModelsClient client, string modelId) =>
        (await client.GetModelAsync(new GetModelRequest { ModelId = modelId })).Model.Files.Single(f => f.Name == "weights_best.dat");

    public void Dispose() => TempDirectory.Delete(_dataDirectory);
}
