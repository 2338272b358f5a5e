using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic models show ID`: parameters, training history, QC summary and files.</summary>
public static class ModelsShowCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = SharedOptions.Id("ID", "Model id");
        var command = new Command("show", "Show a model: parameters, training history, QC summary and files") { id };
        runner.Bind(command, async context =>
        {
            var model = (await context.Server.Models.GetModelAsync(new GetModelRequest { ModelId = context.Value(id) },
                cancellationToken: context.Cancellation)).Model;
            if (context.Json)
            {
                JsonOutput.Write(context.Console, model);
                return ExitCodes.Ok;
            }
            var output = context.Console.Stdout;
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("id", Markup.Escape(model.Id));
            grid.AddRow("name", Markup.Escape(model.Name));
            grid.AddRow("network", Markup.Escape(model.Network));
            grid.AddRow("dataset", Markup.Escape(model.DatasetId));
            if (model.BaseModelId.Length > 0) grid.AddRow("base model", Markup.Escape(model.BaseModelId));
            if (model.TrainingJobId.Length > 0) grid.AddRow("training job", Markup.Escape(model.TrainingJobId));
            grid.AddRow("created", Names.Time(model.CreatedAt));
            grid.AddRow("ready", model.Ready ? "yes" : "no (training)");
            output.Write(grid);

            if (model.Parameters.Count > 0)
            {
                var parameters = new Table().Border(TableBorder.Rounded).Title("parameters").AddColumns("parameter", "value");
                foreach (var p in model.Parameters) parameters.AddRow(Markup.Escape(p.Name), Markup.Escape(p.Value));
                output.Write(parameters);
            }
            if (model.History.Count > 0)
            {
                var history = new Table().Border(TableBorder.Rounded).Title("training history")
                    .AddColumn(new TableColumn("epoch").RightAligned()).AddColumn(new TableColumn("loss").RightAligned())
                    .AddColumn(new TableColumn("val_loss").RightAligned()).AddColumn(new TableColumn("lr").RightAligned());
                var best = model.History.Min(h => h.ValLoss);
                foreach (var h in model.History)
                    history.AddRow(h.Epoch.ToString(CultureInfo.InvariantCulture), Names.Number(h.Loss),
                        h.ValLoss == best ? $"[bold]{Names.Number(h.ValLoss)}[/]" : Names.Number(h.ValLoss), Names.Number(h.LearningRate));
                output.Write(history);
            }
            if (model.Qc is { } qc && (qc.Images.Count > 0 || qc.Summary.Count > 0))
            {
                var summary = new Table().Border(TableBorder.Rounded).Title($"quality control ({qc.Images.Count} images, {Names.Time(qc.CreatedAt)})")
                    .AddColumn("metric").AddColumn(new TableColumn("mean").RightAligned());
                foreach (var m in qc.Summary) summary.AddRow(Markup.Escape(m.Name), Names.Number(m.Value));
                output.Write(summary);
            }
            if (model.Files.Count > 0) output.Write(FileTable.Build(model.Files));
            return ExitCodes.Ok;
        });
        return command;
    }
}
