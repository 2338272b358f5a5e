using System.CommandLine;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic models`: the group of model verbs.</summary>
public static class ModelsCommand
{
    public static Command Create(CommandRunner runner) => new("models", "List, show, download, export, import and delete models")
    {
        ModelsListCommand.Create(runner),
        ModelsShowCommand.Create(runner),
        ModelsDownloadCommand.Create(runner),
        ModelsExportCommand.Create(runner),
        ModelsImportCommand.Create(runner),
        ModelsDeleteCommand.Create(runner),
    };
}
