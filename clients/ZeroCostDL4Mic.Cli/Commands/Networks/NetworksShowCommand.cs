using System.CommandLine;
using Spectre.Console;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic networks show KEY`: a network's parameter schema (what `train --param` accepts).</summary>
public static class NetworksShowCommand
{
    public static Command Create(CommandRunner runner)
    {
        var key = SharedOptions.Id("KEY", "Network key, e.g. care-2d");
        var command = new Command("show", "Show a network's parameters (names, types, defaults, ranges)") { key };
        runner.Bind(command, async context =>
        {
            var wanted = context.Value(key);
            var response = await context.Server.Networks.ListNetworksAsync(new ListNetworksRequest(), cancellationToken: context.Cancellation);
            var network = response.Networks.FirstOrDefault(n => n.Key == wanted)
                          ?? throw CliFailure.NotFound($"network '{wanted}' not found; the server has: {string.Join(", ", response.Networks.Select(n => n.Key))}");
            if (context.Json)
            {
                JsonOutput.Write(context.Console, network);
                return ExitCodes.Ok;
            }
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("key", Markup.Escape(network.Key));
            grid.AddRow("name", Markup.Escape(network.DisplayName));
            grid.AddRow("dataset", Names.Of(network.DatasetKind));
            grid.AddRow("outputs", Markup.Escape(string.Join(", ", network.Outputs)));
            grid.AddRow("qc metrics", Markup.Escape(string.Join(", ", network.QcMetrics)));
            if (network.Description.Length > 0) grid.AddRow("description", Markup.Escape(network.Description));
            if (network.Citation.Length > 0) grid.AddRow("citation", Markup.Escape(network.Citation));
            context.Console.Stdout.Write(grid);

            var table = new Table().Border(TableBorder.Rounded).AddColumns("parameter", "type", "default", "allowed", "group", "description");
            foreach (var p in network.Parameters)
                table.AddRow(Markup.Escape(p.Name), Names.Of(p.Type), Markup.Escape(p.DefaultValue), Markup.Escape(Allowed(p)),
                    Markup.Escape(p.Group), Markup.Escape(p.Description));
            context.Console.Stdout.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static string Allowed(ParameterSpec parameter) => parameter.Type switch
    {
        ParameterType.Choice => string.Join(" | ", parameter.Choices),
        ParameterType.Bool => "true | false",
        ParameterType.Int or ParameterType.Float when parameter.Min != 0 || parameter.Max != 0 =>
            $"{Names.Number(parameter.Min)} .. {Names.Number(parameter.Max)}",
        _ => "",
    };
}
