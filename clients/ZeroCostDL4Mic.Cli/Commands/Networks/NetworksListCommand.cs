using System.CommandLine;
using Spectre.Console;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic networks list`.</summary>
public static class NetworksListCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("list", "List the networks the server can train");
        runner.Bind(command, async context =>
        {
            var response = await context.Server.Networks.ListNetworksAsync(new ListNetworksRequest(), cancellationToken: context.Cancellation);
            if (context.Json)
            {
                JsonOutput.Write(context.Console, response);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("key", "name", "dataset", "outputs", "description");
            foreach (var n in response.Networks)
                table.AddRow(Markup.Escape(n.Key), Markup.Escape(n.DisplayName), Names.Of(n.DatasetKind),
                    Markup.Escape(string.Join(", ", n.Outputs)), Markup.Escape(n.Description));
            context.Console.Stdout.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
