using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZeroCostDL4Mic.Cli.Watching;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic train`: submits a training job, and with --wait follows it to the end.</summary>
public static class TrainCommand
{
    public static Command Create(CommandRunner runner)
    {
        var network = SharedOptions.Required("--network", "Network key (see `dl4mic networks list`), e.g. care-2d", "KEY");
        var dataset = SharedOptions.Required("--dataset", "Training dataset id", "ID");
        var baseModel = new Option<string?>("--base-model") { Description = "Start from this model's weights (transfer learning)", HelpName = "ID" };
        var baseWeights = SharedOptions.Weights("--base-weights", "Which weights of --base-model to start from");
        var name = new Option<string?>("--name") { Description = "Name of the trained model", HelpName = "NAME" };
        var parameters = ParameterOption();
        var wait = new Option<bool>("--wait") { Description = "Follow the job with a progress bar until it ends; the exit code is the job's outcome" };

        var command = new Command("train", "Train a network on a dataset (parameters: `dl4mic networks show KEY`)")
        {
            network, dataset, baseModel, baseWeights, name, parameters, wait,
        };
        runner.Bind(command, async context =>
        {
            var request = new SubmitTrainingRequest
            {
                Network = context.Value(network),
                DatasetId = context.Value(dataset),
                BaseModelId = context.Parse.GetValue(baseModel) ?? "",
                BaseWeights = SharedOptions.ToWeights(context.Value(baseWeights)),
                ModelName = context.Parse.GetValue(name) ?? "",
            };
            request.Parameters.AddRange(ParseParameters(context.Parse.GetValue(parameters) ?? []));
            var job = (await context.Server.Jobs.SubmitTrainingAsync(request, cancellationToken: context.Cancellation)).Job;

            if (!context.Parse.GetValue(wait))
            {
                if (context.Json) JsonOutput.Write(context.Console, new JsonObject { ["job"] = JsonOutput.ToNode(job) });
                else
                {
                    context.Console.Note($"training job {job.Id} {Names.Of(job.State)}; follow it with `dl4mic jobs watch {job.Id}`");
                    context.Console.Output.WriteLine(job.Id);
                }
                return ExitCodes.Ok;
            }

            var outcome = await new JobWatcher(context.Server, context.Console).WatchAsync(job.Id, context.Cancellation);
            WriteOutcome(context, outcome);
            return outcome.ExitCode;
        });
        return command;
    }

    public static Option<string[]> ParameterOption()
    {
        var option = new Option<string[]>("--param", "-p")
        {
            Description = "A training parameter as name=value (repeatable); unset ones take the network's defaults",
            HelpName = "NAME=VALUE",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        };
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (!TryParseParameter(token.Value, out _))
                    result.AddError($"--param '{token.Value}' is not NAME=VALUE (e.g. --param epochs=50)");
        });
        return option;
    }

    public static bool TryParseParameter(string text, out ParameterValue parameter)
    {
        parameter = new ParameterValue();
        var equals = text.IndexOf('=');
        if (equals <= 0) return false;
        var name = text[..equals].Trim();
        if (name.Length == 0) return false;
        parameter = new ParameterValue { Name = name, Value = text[(equals + 1)..].Trim() };
        return true;
    }

    public static IEnumerable<ParameterValue> ParseParameters(IEnumerable<string> texts) =>
        texts.Select(t => TryParseParameter(t, out var p) ? p : throw CliFailure.Usage($"--param '{t}' is not NAME=VALUE"));

    /// <summary>The end of a followed job: JSON, or a short summary with the model id on stdout.</summary>
    public static void WriteOutcome(CommandContext context, JobOutcome outcome)
    {
        var job = outcome.Job;
        if (context.Json)
        {
            var node = new JsonObject { ["job"] = JsonOutput.ToNode(job) };
            if (outcome.Result is not null) node["result"] = JsonOutput.ToNode(outcome.Result);
            if (outcome.Failure is not null) node["failure"] = outcome.Failure;
            JsonOutput.Write(context.Console, node);
            return;
        }
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("job", Markup.Escape(job.Id));
        grid.AddRow("state", Names.Of(job.State));
        var modelId = outcome.Result?.ModelId is { Length: > 0 } fromResult ? fromResult : job.ModelId;
        if (modelId.Length > 0) grid.AddRow("model", Markup.Escape(modelId));
        if (job.Epochs > 0) grid.AddRow("epochs", $"{job.Epoch}/{job.Epochs}");
        if (job.Loss != 0) grid.AddRow("loss", Names.Number(job.Loss));
        if (job.ValLoss != 0) grid.AddRow("val_loss", Names.Number(job.ValLoss));
        if (outcome.Failure is { Length: > 0 } failure) grid.AddRow("failure", Markup.Escape(failure));
        else if (job.State != JobState.Succeeded && job.Message.Length > 0) grid.AddRow("message", Markup.Escape(job.Message));
        context.Console.Stdout.Write(grid);
    }
}
