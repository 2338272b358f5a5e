using System.Globalization;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>care-2d trainings small enough for a test on 2 CPU cores (about 0.4 s per 50-step epoch), and a dataset to train them on.</summary>
public static class TinyCare
{
    /// <summary>One noisy/clean pair cut from the shipped EM slice, size×size.</summary>
    public static async Task<string> PairedDatasetAsync(Datasets.DatasetsClient datasets, string name, int size)
    {
        var clean = TestImages.Crop(TestImages.Load("em-0.png"), 0, 0, size, size);
        var id = (await datasets.CreateDatasetAsync(name, DatasetKind.Paired)).Id;
        await datasets.UploadAsync(id,
            new UploadFile(SampleRole.Source, "em", TestImages.PoissonGaussian(clean, 10, 20, seed: 3), DType.Float32),
            new UploadFile(SampleRole.Target, "em", clean, DType.Uint8));
        return id;
    }

    public static SubmitTrainingRequest Training(string datasetId, int epochs, string name, int stepsPerEpoch = 50,
        params (string Name, string Value)[] extra)
    {
        var request = new SubmitTrainingRequest { Network = "care-2d", DatasetId = datasetId, ModelName = name };
        (string, string)[] parameters =
        [
            ("epochs", epochs.ToString(CultureInfo.InvariantCulture)), ("steps_per_epoch", stepsPerEpoch.ToString(CultureInfo.InvariantCulture)),
            ("batch_size", "4"), ("patch_size", "32"), ("unet_depth", "2"), ("unet_base_filters", "8"), ("unet_kern_size", "3"), .. extra,
        ];
        request.Parameters.AddRange(parameters.Select(p => new ParameterValue { Name = p.Item1, Value = p.Item2 }));
        return request;
    }

    /// <summary>Submits the training, watches it to the end and returns the finished model (the job must succeed).</summary>
    public static async Task<(Model Model, List<JobEvent> Events)> TrainAsync(this ServerFixture server, SubmitTrainingRequest request)
    {
        var job = (await server.Jobs.SubmitTrainingAsync(request)).Job;
        var events = await server.Jobs.WatchToEndAsync(job.Id, TimeSpan.FromMinutes(2));
        Assert.True(events.Last().State == JobState.Succeeded, GrpcClients.Describe(events));
        return ((await server.Models.GetModelAsync(new GetModelRequest { ModelId = job.ModelId })).Model, events);
    }
}
