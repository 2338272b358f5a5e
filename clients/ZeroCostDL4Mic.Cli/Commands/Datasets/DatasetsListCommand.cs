using System.CommandLine;
using Spectre.Console;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic datasets list`.</summary>
public static class DatasetsListCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("list", "List the server's datasets");
        runner.Bind(command, async context =>
        {
            var response = await context.Server.Datasets.ListDatasetsAsync(new ListDatasetsRequest(), cancellationToken: context.Cancellation);
            if (context.Json)
            {
                JsonOutput.Write(context.Console, response);
                return ExitCodes.Ok;
            }
            if (response.Datasets.Count == 0)
            {
                context.Console.Note("no datasets yet: create one with `dl4mic datasets create`");
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("id", "name", "kind", "samples", "size", "created");
            foreach (var d in response.Datasets)
                table.AddRow(Markup.Escape(d.Id), Markup.Escape(d.Name), Names.Of(d.Kind), d.SampleCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Names.Bytes(d.SizeBytes), Names.Time(d.CreatedAt));
            context.Console.Stdout.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
