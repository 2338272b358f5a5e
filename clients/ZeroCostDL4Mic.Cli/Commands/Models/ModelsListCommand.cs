using System.CommandLine;
using Spectre.Console;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic models list`.</summary>
public static class ModelsListCommand
{
    public static Command Create(CommandRunner runner)
    {
        var (mine, owner) = SharedOptions.OwnerFilter("models");
        var command = new Command("list", "List trained models") { mine, owner };
        runner.Bind(command, async context =>
        {
            var request = new ListModelsRequest { Mine = context.Value(mine), Owner = context.Value(owner) ?? "" };
            var response = await context.Server.Models.ListModelsAsync(request, cancellationToken: context.Cancellation);
            if (context.Json)
            {
                JsonOutput.Write(context.Console, response);
                return ExitCodes.Ok;
            }
            if (response.Models.Count == 0)
            {
                context.Console.Note("no models yet: train one with `dl4mic train`");
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "name", "network", "epochs", "best val_loss", "ready", "owner", "created");
            foreach (var m in response.Models)
            {
                var best = m.History.Count == 0 ? double.NaN : m.History.Min(h => h.ValLoss);
                table.AddRow(Markup.Escape(m.Id), Markup.Escape(m.Name), Markup.Escape(m.Network),
                    m.History.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Names.Number(best), m.Ready ? "yes" : "training",
                    Markup.Escape(m.Owner), Names.Time(m.CreatedAt));
            }
            context.Console.Stdout.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
