using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Spectre.Console;
using ZeroCostDL4Mic.Cli.Commands;

namespace ZeroCostDL4Mic.Cli;

/// <summary>The dl4mic command tree and its entry point (also called in-process by the tests).</summary>
public static class CliApplication
{
    public const string Description =
        "dl4mic: train and run ZeroCostDL4Mic deep-learning networks for microscopy on a ZeroCostDL4Mic.NET server.\n" +
        "Start with `dl4mic demo`, or `dl4mic serve` and then the other commands.";

    public static RootCommand Build(CliConsole console)
    {
        var common = new CommonOptions();
        var runner = new CommandRunner(common, console);
        var root = new RootCommand(Description)
        {
            common.Server,
            common.Token,
            common.CaCertificate,
            common.Json,
            DemoCommand.Create(runner),
            ServeCommand.Create(runner),
            InfoCommand.Create(runner),
            DatasetsCommand.Create(runner),
            NetworksCommand.Create(runner),
            TrainCommand.Create(runner),
            JobsCommand.Create(runner),
            QcCommand.Create(runner),
            PredictCommand.Create(runner),
            ModelsCommand.Create(runner),
        };
        foreach (var help in root.Options.OfType<HelpOption>())
            if (help.Action is HelpAction standard) help.Action = new HelpWithExitCodes(standard);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellation = default)
    {
        var root = Build(console);
        var parse = root.Parse(args);
        // --help wins over missing options; any other parse error is a usage error reported our way.
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction or null)
            return ReportUsageErrors(parse, console);
        var configuration = new InvocationConfiguration
        {
            Output = console.Output,
            Error = console.Error,
            // Long enough for `serve` and `demo` to stop their server after Ctrl+C.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(15),
        };
        return await parse.InvokeAsync(configuration, cancellation);
    }

    /// <summary>Parse errors go to stderr, one per line, with where to find help; stdout stays empty.</summary>
    private static int ReportUsageErrors(ParseResult parse, CliConsole console)
    {
        foreach (var error in parse.Errors)
            console.Stderr.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
        var path = CommandPath(parse);
        console.Stderr.MarkupLine(Markup.Escape($"See `{path} --help` for usage."));
        return ExitCodes.Usage;
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            names.Add(result.Command is RootCommand ? "dl4mic" : result.Command.Name);
        names.Reverse();
        return string.Join(" ", names);
    }

    /// <summary>The standard help, followed by the exit codes (every command's help shows them).</summary>
    private sealed class HelpWithExitCodes(HelpAction standard) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var result = standard.Invoke(parseResult);
            parseResult.InvocationConfiguration.Output.WriteLine(ExitCodes.HelpText);
            return result;
        }
    }
}
