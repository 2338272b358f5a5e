using System.CommandLine;
using System.Text.Json.Nodes;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic datasets delete ID`.</summary>
public static class DatasetsDeleteCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = SharedOptions.Id("ID", "Dataset id");
        var command = new Command("delete", "Delete a dataset and its files") { id };
        runner.Bind(command, async context =>
        {
            var datasetId = context.Value(id);
            await context.Server.Datasets.DeleteDatasetAsync(new DeleteDatasetRequest { DatasetId = datasetId }, cancellationToken: context.Cancellation);
            if (context.Json) JsonOutput.Write(context.Console, new JsonObject { ["deleted"] = datasetId });
            else context.Console.Note($"deleted dataset {datasetId}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
