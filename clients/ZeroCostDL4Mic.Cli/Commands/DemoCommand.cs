using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using ZeroCostDL4Mic.Cli.Uploads;
using ZeroCostDL4Mic.Cli.Demo;
using ZeroCostDL4Mic.Cli.Hosting;
using ZeroCostDL4Mic.Cli.Watching;
using ZeroCostDL4Mic.Cli.Prediction;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>
/// `dl4mic demo`: the whole ZeroCostDL4Mic CARE notebook in one command on shipped EM images: make noisy/clean
/// pairs, train care-2d briefly on an in-process server, run QC on held-out pairs and predict a held-out image.
/// </summary>
public static class DemoCommand
{
    /// <summary>care-2d settings of the demo: small enough to finish in a few minutes on 2 CPU cores.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> TrainingParameters =
    [
        new("epochs", "8"),
        new("steps_per_epoch", "20"),
        new("batch_size", "8"),
        new("patch_size", "64"),
        new("unet_depth", "2"),
        new("unet_base_filters", "16"),
        new("unet_kern_size", "3"),
        new("loss", "mae"),
    ];

    public const string Network = "care-2d";
    /// <summary>Photons collected at the brightest pixel; about 10 on average for these EM slices, a very noisy image.</summary>
    public const double PeakPhotons = 20;
    public const double ReadNoisePhotons = 1.5;
    public const int NoiseSeed = 2012;
    /// <summary>Of the shipped images, the first are for training and the rest held out for QC and prediction.</summary>
    public const int HeldOutImages = 2;

    public static string SampleFolder => Path.Combine(AppContext.BaseDirectory, "Samples", "em-isbi2012", "images");

    public static Command Create(CommandRunner runner)
    {
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "Data folder of the demo's in-process server (models stay there for `dl4mic serve --data-dir`)",
            DefaultValueFactory = _ => "dl4mic-data",
            HelpName = "DIR",
        };
        var output = new Option<string>("--output")
        {
            Description = "Folder for the generated image pairs and the prediction",
            DefaultValueFactory = _ => "demo-output",
            HelpName = "DIR",
        };
        var epochs = SharedOptions.AtLeast("--epochs", "Training epochs (default from the demo's parameter table)", 1,
            int.Parse(TrainingParameters.First(p => p.Key == "epochs").Value, System.Globalization.CultureInfo.InvariantCulture));

        var command = new Command("demo",
            "Train a CARE denoiser on shipped EM images end to end (starts its own server unless --server is given), " +
            "then run QC and a prediction")
        {
            dataDir, output, epochs,
        };
        runner.Bind(command, context => RunAsync(context, context.Value(dataDir), context.Value(output), context.Value(epochs)));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string dataDir, string output, int epochs)
    {
        var console = context.Console;
        var outputFolder = Path.GetFullPath(output);
        var dataFolder = Path.GetFullPath(dataDir);

        // 1. Pairs: clean slices as targets, simulated low-light acquisitions as sources.
        var pairs = WritePairs(outputFolder);
        console.Note($"made {pairs.Training} training and {pairs.HeldOut} held-out noisy/clean pairs in {outputFolder}");

        // 2. A server: the demo's own, unless one was named with --server.
        InProcessServer? ownServer = null;
        if (!context.ServerGivenExplicitly)
        {
            console.Note($"starting an in-process server (data in {dataFolder})");
            ownServer = await InProcessServer.StartAsync(
                new InProcessServerSettings(dataFolder, MinimumLogLevel: LogLevel.Warning), context.Cancellation);
            context.UseServer(ownServer.Address, ownServer.OwnToken);
        }
        try
        {
            var server = context.Server;
            var uploader = new SampleUploader(server, console);

            // 3. Training data and training.
            var trainingPlan = SamplePairing.FromFolders(DatasetKind.Paired, Path.Combine(outputFolder, "Training_source"), Path.Combine(outputFolder, "Training_target"));
            var training = await uploader.CreateAndUploadAsync("demo-em-training", DatasetKind.Paired, trainingPlan, context.Cancellation);
            var request = new SubmitTrainingRequest { Network = Network, DatasetId = training.Dataset.Id, ModelName = "demo-care-em" };
            request.Parameters.AddRange(TrainingParameters.Select(p => new ParameterValue
            {
                Name = p.Key,
                Value = p.Key == "epochs" ? epochs.ToString(System.Globalization.CultureInfo.InvariantCulture) : p.Value,
            }));
            console.Note($"training {Network}: {string.Join(", ", request.Parameters.Select(p => $"{p.Name}={p.Value}"))}");
            var job = (await server.Jobs.SubmitTrainingAsync(request, cancellationToken: context.Cancellation)).Job;
            var trained = await new JobWatcher(server, console).WatchAsync(job.Id, context.Cancellation);
            if (trained.Job.State != JobState.Succeeded)
            {
                TrainCommand.WriteOutcome(context, trained);
                return trained.ExitCode;
            }
            var modelId = trained.Result?.ModelId is { Length: > 0 } id ? id : trained.Job.ModelId;

            // 4. Quality control on the held-out pairs.
            var qc = await QcCommand.RunAsync(context, modelId, Path.Combine(outputFolder, "QC_source"), Path.Combine(outputFolder, "QC_target"),
                WeightsChoice.Best);
            if (qc.Outcome.Job.State != JobState.Succeeded)
            {
                QcCommand.Write(context, qc);
                return qc.Outcome.ExitCode;
            }

            // 5. Prediction of one held-out image.
            var predictionInput = Directory.EnumerateFiles(Path.Combine(outputFolder, "QC_source")).Order(StringComparer.Ordinal).First();
            var predictions = await new RemotePredictor(server, console).PredictAsync(
                new PredictHeader { ModelId = modelId, Weights = WeightsChoice.Best }, [predictionInput],
                Path.Combine(outputFolder, "Prediction"), context.Cancellation);

            WriteSummary(context, modelId, dataFolder, outputFolder, trained, qc, predictions, ownServer is not null);
            return ExitCodes.Ok;
        }
        finally
        {
            if (ownServer is not null) await ownServer.DisposeAsync();
        }
    }

    private sealed record PairCounts(int Training, int HeldOut);

    /// <summary>Writes Training_source/target and QC_source/target as TIFF pairs with identical names (ZeroCostDL4Mic's layout).</summary>
    private static PairCounts WritePairs(string outputFolder)
    {
        if (!Directory.Exists(SampleFolder))
            throw CliFailure.InvalidInput($"the demo's sample images are missing: {SampleFolder}");
        var samples = Directory.EnumerateFiles(SampleFolder, "*.png")
            .OrderBy(p => int.TryParse(Path.GetFileNameWithoutExtension(p), out var n) ? n : int.MaxValue).ThenBy(p => p, StringComparer.Ordinal)
            .ToList();
        if (samples.Count <= HeldOutImages)
            throw CliFailure.InvalidInput($"the demo needs more than {HeldOutImages} sample images in {SampleFolder}");

        var random = new Random(NoiseSeed);
        for (int i = 0; i < samples.Count; i++)
        {
            var heldOut = i >= samples.Count - HeldOutImages;
            var clean = SampleUploader.ReadImage(samples[i]);
            if (clean.Axes != "YX")
                throw CliFailure.InvalidInput($"{samples[i]}: the demo expects a single-channel 2D image, got axes {clean.Axes}");
            var noisy = clean.WithPixels(NoisyImages.PoissonGaussian(clean.Pixels, PeakPhotons, ReadNoisePhotons, random), PixelType.Float32);
            var name = $"em_{Path.GetFileNameWithoutExtension(samples[i])}.tif";
            var sourceFolder = Path.Combine(outputFolder, heldOut ? "QC_source" : "Training_source");
            var targetFolder = Path.Combine(outputFolder, heldOut ? "QC_target" : "Training_target");
            Directory.CreateDirectory(sourceFolder);
            Directory.CreateDirectory(targetFolder);
            TiffImages.Write(Path.Combine(sourceFolder, name), noisy, PixelType.Float32, TiffCompression.None);
            TiffImages.Write(Path.Combine(targetFolder, name), clean, clean.PixelType, TiffCompression.None);
        }
        return new PairCounts(samples.Count - HeldOutImages, HeldOutImages);
    }

    private static void WriteSummary(CommandContext context, string modelId, string dataFolder, string outputFolder, JobOutcome trained,
        QcCommand.QcRun qc, IReadOnlyList<PredictedFile> predictions, bool ownServer)
    {
        if (context.Json)
        {
            JsonOutput.Write(context.Console, new JsonObject
            {
                ["model_id"] = modelId,
                ["server"] = ownServer ? null : context.ServerAddress.ToString().TrimEnd('/'),
                ["data_dir"] = ownServer ? dataFolder : null,
                ["output_dir"] = outputFolder,
                ["training_job"] = JsonOutput.ToNode(trained.Job),
                ["qc_job"] = JsonOutput.ToNode(qc.Outcome.Job),
                ["qc"] = qc.Report is null ? null : JsonOutput.ToNode(qc.Report),
                ["qc_files"] = new JsonArray(qc.Files.Select(f => (JsonNode?)f).ToArray()),
                ["predictions"] = PredictCommand.ToJson(predictions),
            });
            return;
        }
        var stdout = context.Console.Stdout;
        stdout.WriteLine();
        if (qc.Report is { } report)
        {
            stdout.MarkupLine($"[bold]Quality control[/] on {report.Images.Count} held-out images (each compared with its clean target):");
            if (QcTable.Comparison(report) is { } comparison) stdout.Write(comparison);
            stdout.Write(QcTable.Build(report, stdout.Profile.Width));
        }
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("model", Markup.Escape(modelId));
        if (ownServer) grid.AddRow("data dir", Markup.Escape(dataFolder));
        else grid.AddRow("server", Markup.Escape(context.ServerAddress.ToString()));
        grid.AddRow("image pairs", Markup.Escape(outputFolder + Path.DirectorySeparatorChar) + " (Training_source, Training_target, QC_source, QC_target)");
        foreach (var p in predictions) grid.AddRow("prediction", Markup.Escape(p.Path));
        foreach (var f in qc.Files) grid.AddRow("QC artefact", Markup.Escape(f));
        stdout.Write(grid);
        if (ownServer)
            stdout.MarkupLine(Markup.Escape(
                $"Next: `dl4mic serve --data-dir {dataFolder}`, then `dl4mic models show {modelId}` or `dl4mic predict --model {modelId} --input IMAGE --output DIR`."));
    }
}
