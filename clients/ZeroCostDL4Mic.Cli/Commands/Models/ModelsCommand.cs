using System.CommandLine;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic models`: the group of model verbs.</summary>
public static class ModelsCommand
{
    public static Command Create(CommandRunner runner) => new("models", "List, show, download and delete trained models")
    {
        ModelsListCommand.Create(runner),
        ModelsShowCommand.Create(runner),
        ModelsDownloadCommand.Create(runner),
        ModelsDeleteCommand.Create(runner),
    };
}
