using System.CommandLine;
using ZeroCostDL4Mic.Cli.Watching;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic jobs watch ID`: follows a job to its end; the exit code is its outcome.</summary>
public static class JobsWatchCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = SharedOptions.Id("ID", "Job id");
        var command = new Command("watch", "Follow a job with a progress bar until it ends (exit code 0, 5 failed or 6 cancelled)") { id };
        runner.Bind(command, async context =>
        {
            var outcome = await new JobWatcher(context.Server, context.Console).WatchAsync(context.Value(id), context.Cancellation);
            TrainCommand.WriteOutcome(context, outcome);
            return outcome.ExitCode;
        });
        return command;
    }
}
