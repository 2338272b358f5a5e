using System.CommandLine;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic jobs cancel ID`.</summary>
public static class JobsCancelCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = SharedOptions.Id("ID", "Job id");
        var command = new Command("cancel", "Cancel a queued or running job") { id };
        runner.Bind(command, async context =>
        {
            var job = (await context.Server.Jobs.CancelJobAsync(new CancelJobRequest { JobId = context.Value(id) }, cancellationToken: context.Cancellation)).Job;
            if (context.Json) JsonOutput.Write(context.Console, job);
            else context.Console.Note($"job {job.Id}: {Names.Of(job.State)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
