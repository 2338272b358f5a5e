using System.CommandLine;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic datasets`: the group of dataset verbs.</summary>
public static class DatasetsCommand
{
    public static Command Create(CommandRunner runner) => new("datasets", "Create, list, show and delete training and QC datasets")
    {
        DatasetsCreateCommand.Create(runner),
        DatasetsListCommand.Create(runner),
        DatasetsShowCommand.Create(runner),
        DatasetsDeleteCommand.Create(runner),
    };
}
