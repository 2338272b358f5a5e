using System.Globalization;
using System.Security.Cryptography;
using Grpc.Core;
using Xunit.Abstractions;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>
/// Each network through the whole client journey on real EM data: upload, train (tiny), watch, QC against
/// the input baseline, predict over the bidi stream, download the weights.
/// </summary>
public class EndToEndTests(ServerFixture server, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan TrainingTimeout = TimeSpan.FromMinutes(3);

    // Tiny but able to learn something: the values are clamped to each network's schema and only sent where it has them.
    private static readonly Dictionary<string, double> Tiny = new()
    {
        ["epochs"] = 3, ["steps_per_epoch"] = 20, ["batch_size"] = 8, ["patch_size"] = 64, ["patches_per_image"] = 64,
        ["unet_depth"] = 2, ["unet_base_filters"] = 16, ["unet_kern_size"] = 3, ["learning_rate"] = 0.002, ["validation_fraction"] = 0.1,
    };

    private static readonly ImageData CleanTrain = TestImages.Load("em-0.png");
    private static readonly ImageData CleanQc = TestImages.Crop(TestImages.Load("em-1.png"), 0, 0, 256, 256);
    private static readonly ImageData NoisyTrain = TestImages.PoissonGaussian(CleanTrain, photons: 10, sigma: 20, seed: 7);
    private static readonly ImageData NoisyQc = TestImages.PoissonGaussian(CleanQc, photons: 10, sigma: 20, seed: 8);

    [Fact]
    public async Task Care_learns_to_denoise()
    {
        var train = await Dataset("care-train", DatasetKind.Paired,
            new UploadFile(SampleRole.Source, "em", NoisyTrain, DType.Float32), new UploadFile(SampleRole.Target, "em", CleanTrain, DType.Uint8));
        var model = await TrainAsync("care-2d", train);
        var qcDataset = await RestorationQcDataset("care-qc");
        var summary = await QualityControlAsync(model, qcDataset);

        Assert.True(summary["prediction_psnr"] > summary["input_psnr"], Describe(summary));
        Assert.True(summary["prediction_ssim"] > summary["input_ssim"], Describe(summary));
        var streamed = await PredictAsync(model, [OutputKind.Restored]);
        await DownloadWeightsAsync(model);
        await BatchPredictionMatchesStreamAsync(model, qcDataset, streamed.Single().Image);
    }

    /// <summary>A batch prediction job over a dataset writes the same numbers the inference stream returns.</summary>
    private async Task BatchPredictionMatchesStreamAsync(Model model, string datasetId, ImageData streamed)
    {
        var job = (await server.Jobs.SubmitPredictionAsync(new SubmitPredictionRequest { ModelId = model.Id, DatasetId = datasetId, TileSize = 128 })).Job;
        var events = await server.Jobs.WatchToEndAsync(job.Id, TrainingTimeout);
        Assert.True(events.Last().State == JobState.Succeeded, GrpcClients.Describe(events));
        var file = Assert.Single((await server.Jobs.GetJobAsync(new GetJobRequest { JobId = job.Id })).Job.Files);
        Assert.EndsWith("_restored.tif", file.Name);

        using var call = server.Jobs.DownloadJobFile(new DownloadJobFileRequest { JobId = job.Id, FileName = file.Name });
        using var bytes = new MemoryStream();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync()) bytes.Write(chunk.Data.Span);
        Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray())), ignoreCase: true);
        bytes.Position = 0;
        var written = TiffImages.Read(bytes, file.Name);
        Assert.Equal(streamed.Shape, written.Shape);
        for (int i = 0; i < streamed.Pixels.Length; i++) Assert.Equal(streamed.Pixels[i], written.Pixels[i], 4);

        var missing = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var bad = server.Jobs.DownloadJobFile(new DownloadJobFileRequest { JobId = job.Id, FileName = "nope.tif" });
            await foreach (var _ in bad.ResponseStream.ReadAllAsync()) { }
        });
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Noise2Void_learns_to_denoise_without_clean_images()
    {
        var train = await Dataset("n2v-train", DatasetKind.Images,
            new UploadFile(SampleRole.Source, "em", NoisyTrain, DType.Float32));
        var model = await TrainAsync("n2v-2d", train);
        var summary = await QualityControlAsync(model, await RestorationQcDataset("n2v-qc"));

        Assert.True(summary["prediction_psnr"] > summary["input_psnr"], Describe(summary));
        Assert.True(summary["prediction_ssim"] > summary["input_ssim"], Describe(summary));
        await PredictAsync(model, [OutputKind.Restored]);
        await DownloadWeightsAsync(model);
    }

    [Fact]
    public async Task UNet_learns_to_segment_membranes()
    {
        var labels = TestImages.Load("em-0-labels.png");
        var train = await Dataset("unet-train", DatasetKind.Masks,
            new UploadFile(SampleRole.Source, "em", CleanTrain, DType.Uint8), new UploadFile(SampleRole.Target, "em", labels, DType.Uint8));
        var model = await TrainAsync("unet-2d", train);
        var qc = await Dataset("unet-qc", DatasetKind.Masks,
            new UploadFile(SampleRole.Source, "em1", CleanQc, DType.Uint8),
            new UploadFile(SampleRole.Target, "em1", TestImages.Crop(TestImages.Load("em-1-labels.png"), 0, 0, 256, 256), DType.Uint8));
        var summary = await QualityControlAsync(model, qc);

        Assert.InRange(summary["iou_threshold"], 0, 255);
        Assert.True(summary["iou"] > summary["all_foreground_iou"] + 0.03, Describe(summary));
        var outputs = await PredictAsync(model, [OutputKind.Probability, OutputKind.Mask]);
        Assert.All(outputs.Single(o => o.Kind == OutputKind.Mask).Image.Pixels, p => Assert.True(p is 0 or 255));
        await DownloadWeightsAsync(model);
    }

    private async Task<string> Dataset(string name, DatasetKind kind, params UploadFile[] files)
    {
        var ds = await server.Datasets.CreateDatasetAsync(name, kind);
        var upload = await server.Datasets.UploadAsync(ds.Id, files);
        Assert.Equal((files.Length, files.Length), (upload.FilesReceived, upload.FilesStored));
        Assert.Equal(1, upload.Dataset.SampleCount);
        return ds.Id;
    }

    private Task<string> RestorationQcDataset(string name) => Dataset(name, DatasetKind.Paired,
        new UploadFile(SampleRole.Source, "em1", NoisyQc, DType.Float32), new UploadFile(SampleRole.Target, "em1", CleanQc, DType.Uint8));

    /// <summary>Trains with tiny parameters read from the network's schema; checks the event stream and the stored model.</summary>
    private async Task<Model> TrainAsync(string network, string datasetId)
    {
        var info = (await server.Networks.ListNetworksAsync(new ListNetworksRequest())).Networks.Single(n => n.Key == network);
        var request = new SubmitTrainingRequest { Network = network, DatasetId = datasetId, ModelName = $"{network}-e2e" };
        foreach (var spec in info.Parameters.Where(p => Tiny.ContainsKey(p.Name)))
        {
            double value = Math.Clamp(Tiny[spec.Name], spec.Min, spec.Max);
            request.Parameters.Add(new ParameterValue
            {
                Name = spec.Name,
                Value = spec.Type == ParameterType.Int ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture),
            });
        }
        int epochs = int.Parse(request.Parameters.Single(p => p.Name == "epochs").Value, CultureInfo.InvariantCulture);

        var job = (await server.Jobs.SubmitTrainingAsync(request)).Job;
        Assert.Equal((JobKind.Training, network), (job.Kind, job.Network));
        var events = await server.Jobs.WatchToEndAsync(job.Id, TrainingTimeout);
        var story = GrpcClients.Describe(events);
        output.WriteLine($"{network} training: {story}");

        var states = events.Where(e => e.EventCase == JobEvent.EventOneofCase.State).Select(e => e.State).ToList();
        Assert.True(states.SequenceEqual([JobState.Queued, JobState.Running, JobState.Succeeded]), story);
        Assert.Contains(events, e => e.EventCase == JobEvent.EventOneofCase.Progress && e.Progress.Epochs == epochs && e.Progress.Steps > 0);
        Assert.Equal(Enumerable.Range(1, epochs), events.Where(e => e.EventCase == JobEvent.EventOneofCase.Epoch).Select(e => e.Epoch.Epoch));
        Assert.Equal(events.Select(e => e.Sequence).Order(), events.Select(e => e.Sequence));
        var result = events.Single(e => e.EventCase == JobEvent.EventOneofCase.Result).Result;
        Assert.Equal(job.ModelId, result.ModelId);

        var model = (await server.Models.GetModelAsync(new GetModelRequest { ModelId = result.ModelId })).Model;
        Assert.True(model.Ready);
        Assert.Equal(network, model.Network);
        Assert.Equal(epochs, model.History.Count);
        Assert.Contains(model.Parameters, p => p.Name == "epochs" && p.Value == epochs.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(JobState.Succeeded, (await server.Jobs.GetJobAsync(new GetJobRequest { JobId = job.Id })).Job.State);
        return model;
    }

    /// <summary>Runs QC and returns its summary (means over images) by metric name, as reported.</summary>
    private async Task<Dictionary<string, double>> QualityControlAsync(Model model, string datasetId)
    {
        var job = (await server.Jobs.SubmitQualityControlAsync(new SubmitQualityControlRequest { ModelId = model.Id, DatasetId = datasetId })).Job;
        var events = await server.Jobs.WatchToEndAsync(job.Id, TrainingTimeout);
        Assert.True(events.Last().State == JobState.Succeeded, GrpcClients.Describe(events));
        var report = events.Single(e => e.EventCase == JobEvent.EventOneofCase.Result).Result.Qc;
        Assert.NotEmpty(report.Images);

        var stored = (await server.Models.GetModelAsync(new GetModelRequest { ModelId = model.Id })).Model.Qc;
        Assert.Equal(report.Summary, stored.Summary);
        var network = (await server.Networks.ListNetworksAsync(new ListNetworksRequest())).Networks.Single(n => n.Key == model.Network);
        var summary = report.Summary.ToDictionary(m => m.Name, m => m.Value);
        output.WriteLine($"{model.Network} QC: {Describe(summary)}");
        Assert.All(network.QcMetrics, name => Assert.Contains(name, summary.Keys));
        await QcArtefactsAsync(model, report.Images.Single().Image, 256, 256);
        return summary;
    }

    /// <summary>Predicts the QC crop in 128-pixel tiles through the bidi stream; every output has the input's size.</summary>
    private async Task<IReadOnlyList<PredictedOutput>> PredictAsync(Model model, OutputKind[] expectedKinds)
    {
        var result = await server.Inference.PredictAsync(GrpcClients.PredictMessages(
            new PredictHeader { ModelId = model.Id, TileSize = 128 }, ("em1.tif", NoisyQc, DType.Float32)));

        Assert.Equal(expectedKinds, result.Outputs.Select(o => o.Kind));
        Assert.All(result.Outputs, o =>
        {
            Assert.Equal("em1.tif", o.InputName);
            Assert.Equal("YX", o.Image.Axes);
            Assert.Equal([256, 256], o.Image.Shape);
            Assert.All(o.Image.Pixels, p => Assert.True(float.IsFinite(p)));
        });
        Assert.NotEmpty(result.Progress);
        Assert.All(result.Progress, p => Assert.Equal("em1.tif", p.InputName));
        Assert.Equal(result.Progress[^1].TilesTotal, result.Progress[^1].TilesDone);
        return result.Outputs;
    }

    private async Task DownloadWeightsAsync(Model model) => await DownloadModelFileAsync(model, "weights_best.dat");

    /// <summary>Streams one of the model's files; offsets, size and checksum must match its listing.</summary>
    private async Task<byte[]> DownloadModelFileAsync(Model model, string name)
    {
        var file = model.Files.Single(f => f.Name == name);
        using var call = server.Models.DownloadModelFile(new DownloadModelFileRequest { ModelId = model.Id, FileName = file.Name });
        using var bytes = new MemoryStream();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            Assert.Equal(bytes.Length, chunk.Offset);
            Assert.Equal(file.SizeBytes, chunk.TotalSize);
            bytes.Write(chunk.Data.Span);
        }
        Assert.Equal(file.SizeBytes, bytes.Length);
        Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray())), ignoreCase: true);
        return bytes.ToArray();
    }

    /// <summary>
    /// The notebook's QC outputs are stored with the model and download intact: QC_metrics.csv with a row per image and
    /// the mean, and per network the SSIM and error maps (float TIFFs the size of the image) or the IoU-threshold plot.
    /// </summary>
    private async Task QcArtefactsAsync(Model model, string imageName, int height, int width)
    {
        var stored = (await server.Models.GetModelAsync(new GetModelRequest { ModelId = model.Id })).Model;
        var csv = System.Text.Encoding.UTF8.GetString(await DownloadModelFileAsync(stored, "QC_metrics.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("image,", csv[0]);
        Assert.Equal([imageName, "mean"], csv[1..].Select(line => line.Split(',')[0]));
        if (model.Network == "unet-2d")
        {
            var png = await DownloadModelFileAsync(stored, "IoUvsThresholdPlot.png");
            using var plot = SkiaSharp.SKBitmap.Decode(png);
            Assert.True(plot is { Width: > 0, Height: > 0 }, "the IoU plot is not a PNG");
            return;
        }
        foreach (var map in new[] { "SSIM_GTvsPrediction", "SSIM_GTvsSource", "RSE_GTvsPrediction", "RSE_GTvsSource" })
        {
            var name = $"{map}_{imageName}.tif";
            using var tiff = new MemoryStream(await DownloadModelFileAsync(stored, name));
            var image = TiffImages.Read(tiff, name);
            Assert.Equal(PixelType.Float32, image.PixelType);
            Assert.Equal([height, width], image.Shape);
            Assert.All(image.Pixels, p => Assert.True(float.IsFinite(p)));
        }
    }

    private static string Describe(Dictionary<string, double> summary) =>
        string.Join(", ", summary.Select(kv => $"{kv.Key}={kv.Value:G4}"));
}
