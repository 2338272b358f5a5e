using System.CommandLine;
using Spectre.Console;
using ZeroCostDL4Mic.Cli.Watching;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic jobs show ID`.</summary>
public static class JobsShowCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = SharedOptions.Id("ID", "Job id");
        var command = new Command("show", "Show a job's state, progress and outputs") { id };
        runner.Bind(command, async context =>
        {
            var job = (await context.Server.Jobs.GetJobAsync(new GetJobRequest { JobId = context.Value(id) }, cancellationToken: context.Cancellation)).Job;
            if (context.Json)
            {
                JsonOutput.Write(context.Console, job);
                return ExitCodes.Ok;
            }
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("id", Markup.Escape(job.Id));
            grid.AddRow("kind", Names.Of(job.Kind));
            grid.AddRow("state", Names.Of(job.State));
            if (job.Network.Length > 0) grid.AddRow("network", Markup.Escape(job.Network));
            if (job.DatasetId.Length > 0) grid.AddRow("dataset", Markup.Escape(job.DatasetId));
            if (job.ModelId.Length > 0) grid.AddRow("model", Markup.Escape(job.ModelId));
            grid.AddRow("created", Names.Time(job.CreatedAt));
            grid.AddRow("started", Names.Time(job.StartedAt));
            grid.AddRow("finished", Names.Time(job.FinishedAt));
            if (job.Epochs > 0) grid.AddRow("epoch", $"{job.Epoch}/{job.Epochs}");
            if (job.Loss != 0) grid.AddRow("loss", Names.Number(job.Loss));
            if (job.ValLoss != 0) grid.AddRow("val_loss", Names.Number(job.ValLoss));
            if (job.Eta is not null && !JobWatcher.IsFinal(job.State)) grid.AddRow("ETA", JobWatcher.Duration(job.Eta.ToTimeSpan()));
            if (job.Message.Length > 0) grid.AddRow("message", Markup.Escape(job.Message));
            context.Console.Stdout.Write(grid);
            if (job.Files.Count > 0) context.Console.Stdout.Write(FileTable.Build(job.Files));
            return ExitCodes.Ok;
        });
        return command;
    }
}
