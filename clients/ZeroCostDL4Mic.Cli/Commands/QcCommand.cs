using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZeroCostDL4Mic.Cli.Uploads;
using ZeroCostDL4Mic.Cli.Watching;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>
/// `dl4mic qc`: uploads held-out source/target pairs as a QC dataset, runs quality control on a model and
/// prints the metrics per image and their means, as ZeroCostDL4Mic's QC section does.
/// </summary>
public static class QcCommand
{
    public static Command Create(CommandRunner runner)
    {
        var model = SharedOptions.Required("--model", "Model id", "ID");
        var source = SharedOptions.Required("--source", "Folder of QC source images (Source_QC_folder)", "DIR");
        var target = SharedOptions.Required("--target", "Folder of QC targets with the same file names (Target_QC_folder)", "DIR");
        var weights = SharedOptions.Weights("--weights", "Which weights to assess");
        var command = new Command("qc", "Quality control: compare a model's predictions with ground truth on held-out pairs")
        {
            model, source, target, weights,
        };
        runner.Bind(command, async context =>
        {
            var result = await RunAsync(context, context.Value(model), context.Value(source), context.Value(target),
                SharedOptions.ToWeights(context.Value(weights)));
            Write(context, result);
            return result.Outcome.ExitCode;
        });
        return command;
    }

    public sealed record QcRun(string ModelId, string DatasetId, JobOutcome Outcome, QcReport? Report, IReadOnlyList<string> Files);

    /// <summary>Uploads the pairs (as the kind the model's network trains on), submits QC and waits for it.</summary>
    public static async Task<QcRun> RunAsync(CommandContext context, string modelId, string sourceFolder, string targetFolder, WeightsChoice weights)
    {
        var server = context.Server;
        var model = (await server.Models.GetModelAsync(new GetModelRequest { ModelId = modelId }, cancellationToken: context.Cancellation)).Model;
        var networks = await server.Networks.ListNetworksAsync(new ListNetworksRequest(), cancellationToken: context.Cancellation);
        var kind = networks.Networks.FirstOrDefault(n => n.Key == model.Network)?.DatasetKind is DatasetKind.Masks ? DatasetKind.Masks : DatasetKind.Paired;

        var plan = SamplePairing.FromFolders(kind, sourceFolder, targetFolder);
        var name = $"qc-{(model.Name.Length > 0 ? model.Name : model.Id)}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
        var upload = await new SampleUploader(server, context.Console).CreateAndUploadAsync(name, kind, plan, context.Cancellation);

        var job = (await server.Jobs.SubmitQualityControlAsync(new SubmitQualityControlRequest
        {
            ModelId = modelId,
            DatasetId = upload.Dataset.Id,
            Weights = weights,
        }, cancellationToken: context.Cancellation)).Job;
        var outcome = await new JobWatcher(server, context.Console).WatchAsync(job.Id, context.Cancellation);

        var report = outcome.Result?.Qc;
        IReadOnlyList<string> files = outcome.Result?.Files.Select(f => f.Name).ToList() ?? [];
        if (outcome.Job.State == JobState.Succeeded && (report is null || report.Images.Count == 0 || files.Count == 0))
        {
            var refreshed = (await server.Models.GetModelAsync(new GetModelRequest { ModelId = modelId }, cancellationToken: context.Cancellation)).Model;
            if (report is null || report.Images.Count == 0) report = refreshed.Qc;
            if (files.Count == 0) files = refreshed.Files.Select(f => f.Name).Where(IsQcArtefact).ToList();
        }
        return new QcRun(modelId, upload.Dataset.Id, outcome, report, files);
    }

    /// <summary>ZeroCostDL4Mic's QC outputs in a model folder: QC_metrics.csv and the SSIM/RSE maps "..._GTvsPrediction_...".</summary>
    public static bool IsQcArtefact(string fileName) =>
        fileName.StartsWith("QC_", StringComparison.OrdinalIgnoreCase) || fileName.Contains("_GTvs", StringComparison.Ordinal) ||
        fileName.StartsWith("qc/", StringComparison.OrdinalIgnoreCase);

    public static void Write(CommandContext context, QcRun run)
    {
        if (context.Json)
        {
            var node = new JsonObject
            {
                ["dataset_id"] = run.DatasetId,
                ["job"] = JsonOutput.ToNode(run.Outcome.Job),
                ["qc"] = run.Report is null ? null : JsonOutput.ToNode(run.Report),
                ["files"] = new JsonArray(run.Files.Select(f => (JsonNode?)f).ToArray()),
            };
            if (run.Outcome.Failure is not null) node["failure"] = run.Outcome.Failure;
            JsonOutput.Write(context.Console, node);
            return;
        }
        if (run.Outcome.Job.State != JobState.Succeeded)
        {
            TrainCommand.WriteOutcome(context, run.Outcome);
            return;
        }
        if (run.Report is null || run.Report.Images.Count == 0)
        {
            context.Console.Warn("the QC job succeeded but reported no metrics");
            return;
        }
        context.Console.Stdout.Write(QcTable.Build(run.Report, context.Console.Stdout.Profile.Width));
        if (QcTable.Comparison(run.Report) is { } comparison) context.Console.Stdout.Write(comparison);
        if (run.Files.Count > 0)
        {
            context.Console.Stdout.MarkupLine(Markup.Escape($"QC artefacts (fetch with `dl4mic models download {run.ModelId} --file NAME`):"));
            foreach (var file in run.Files) context.Console.Stdout.MarkupLine($"  {Markup.Escape(file)}");
        }
    }
}
