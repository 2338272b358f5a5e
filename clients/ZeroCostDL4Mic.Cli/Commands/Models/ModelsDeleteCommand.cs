using System.CommandLine;
using System.Text.Json.Nodes;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic models delete ID`.</summary>
public static class ModelsDeleteCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = SharedOptions.Id("ID", "Model id");
        var command = new Command("delete", "Delete a model and its folder") { id };
        runner.Bind(command, async context =>
        {
            var modelId = context.Value(id);
            await context.Server.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = modelId }, cancellationToken: context.Cancellation);
            if (context.Json) JsonOutput.Write(context.Console, new JsonObject { ["deleted"] = modelId });
            else context.Console.Note($"deleted model {modelId}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
