using System.CommandLine;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic jobs`: the group of job verbs.</summary>
public static class JobsCommand
{
    public static Command Create(CommandRunner runner) => new("jobs", "List, show, follow and cancel training, QC and prediction jobs")
    {
        JobsListCommand.Create(runner),
        JobsShowCommand.Create(runner),
        JobsWatchCommand.Create(runner),
        JobsCancelCommand.Create(runner),
    };
}
