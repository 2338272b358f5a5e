using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic datasets show ID`: the dataset and its files.</summary>
public static class DatasetsShowCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = SharedOptions.Id("ID", "Dataset id");
        var command = new Command("show", "Show a dataset and its files") { id };
        runner.Bind(command, async context =>
        {
            var dataset = (await context.Server.Datasets.GetDatasetAsync(new GetDatasetRequest { DatasetId = context.Value(id) },
                cancellationToken: context.Cancellation)).Dataset;
            if (context.Json)
            {
                JsonOutput.Write(context.Console, dataset);
                return ExitCodes.Ok;
            }
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("id", Markup.Escape(dataset.Id));
            grid.AddRow("name", Markup.Escape(dataset.Name));
            grid.AddRow("kind", Names.Of(dataset.Kind));
            grid.AddRow("samples", dataset.SampleCount.ToString(CultureInfo.InvariantCulture));
            grid.AddRow("size", Names.Bytes(dataset.SizeBytes));
            grid.AddRow("created", Names.Time(dataset.CreatedAt));
            context.Console.Stdout.Write(grid);
            if (dataset.Samples.Count > 0)
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("name", "role", "dtype", "axes", "shape")
                    .AddColumn(new TableColumn("min").RightAligned()).AddColumn(new TableColumn("max").RightAligned())
                    .AddColumn(new TableColumn("mean").RightAligned()).AddColumn(new TableColumn("std").RightAligned());
                foreach (var s in dataset.Samples)
                    table.AddRow(Markup.Escape(s.Name), Names.Of(s.Role), Names.Of(s.Dtype), Markup.Escape(s.Axes), Names.Shape(s.Shape),
                        Names.Number(s.Min), Names.Number(s.Max), Names.Number(s.Mean), Names.Number(s.Std));
                context.Console.Stdout.Write(table);
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
