using System.Text.Json.Nodes;
using ZeroCostDL4Mic.Cli;

namespace ZeroCostDL4Mic.Cli.Tests;

/// <summary>One in-process run of dl4mic: its exit code and what it wrote to stdout and stderr.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApplication.RunAsync(args, CliConsole.ForWriters(stdout, stderr));
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    public JsonNode Json() => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("stdout is empty");

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
