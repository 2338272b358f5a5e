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
        var (mine, owner) = SharedOptions.OwnerFilter("datasets");
        var command = new Command("list", "List the server's datasets") { mine, owner };
        runner.Bind(command, async context =>
        {
            var request = new ListDatasetsRequest { Mine = context.Value(mine), Owner = context.Value(owner) ?? "" };
            var response = await context.Server.Datasets.ListDatasetsAsync(request, cancellationToken: context.Cancellation);
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
                .AddColumns("id", "name", "kind", "samples", "size", "owner", "created");
            foreach (var d in response.Datasets)
                table.AddRow(Markup.Escape(d.Id), Markup.Escape(d.Name), Names.Of(d.Kind), d.SampleCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Names.Bytes(d.SizeBytes), Markup.Escape(d.Owner), Names.Time(d.CreatedAt));
            context.Console.Stdout.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
