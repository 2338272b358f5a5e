using System.CommandLine;
using Spectre.Console;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic jobs list`.</summary>
public static class JobsListCommand
{
    public static Command Create(CommandRunner runner)
    {
        var (mine, owner) = SharedOptions.OwnerFilter("jobs");
        var command = new Command("list", "List jobs, newest last") { mine, owner };
        runner.Bind(command, async context =>
        {
            var request = new ListJobsRequest { Mine = context.Value(mine), Owner = context.Value(owner) ?? "" };
            var response = await context.Server.Jobs.ListJobsAsync(request, cancellationToken: context.Cancellation);
            if (context.Json)
            {
                JsonOutput.Write(context.Console, response);
                return ExitCodes.Ok;
            }
            if (response.Jobs.Count == 0)
            {
                context.Console.Note("no jobs yet: start one with `dl4mic train`");
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "kind", "state", "network", "model", "epoch", "owner", "created", "message");
            foreach (var j in response.Jobs)
                table.AddRow(Markup.Escape(j.Id), Names.Of(j.Kind), Names.Of(j.State), Markup.Escape(j.Network), Markup.Escape(j.ModelId),
                    j.Epochs > 0 ? $"{j.Epoch}/{j.Epochs}" : "-", Markup.Escape(j.Owner), Names.Time(j.CreatedAt), Markup.Escape(j.Message));
            context.Console.Stdout.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
