using System.CommandLine;
using System.Text.Json.Nodes;
using Grpc.Core;
using Spectre.Console;
using ZeroCostDL4Mic.Imaging;

namespace ZeroCostDL4Mic.Cli;

/// <summary>
/// Runs a command's body and turns every failure into one clear message and its exit code; the only
/// place that catches, so command classes read as straight lines.
/// </summary>
public sealed class CommandRunner(CommonOptions common, CliConsole console)
{
    public CommonOptions Common { get; } = common;
    public CliConsole Console { get; } = console;

    /// <summary>Sets the command's action to run <paramref name="body"/> through this runner.</summary>
    public void Bind(Command command, Func<CommandContext, Task<int>> body) =>
        command.SetAction((parse, cancellation) => RunAsync(parse, cancellation, body));

    public async Task<int> RunAsync(ParseResult parse, CancellationToken cancellation, Func<CommandContext, Task<int>> body)
    {
        using var context = new CommandContext(parse, Common, Console, cancellation);
        try
        {
            return await body(context);
        }
        catch (CliFailure failure)
        {
            return Report(context, failure.ExitCode, failure.Message, failure.Details, status: null);
        }
        catch (RpcException) when (cancellation.IsCancellationRequested)
        {
            return Interrupted(context);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return Interrupted(context);
        }
        catch (RpcException error)
        {
            // A refused certificate comes back as Internal ("Error starting gRPC call"): the server is there but not reachable safely.
            bool certificateProblem = IsCertificateProblem(error);
            var code = certificateProblem ? ExitCodes.ServerUnreachable : ExitCodes.FromStatusCode(error.StatusCode);
            var violations = RpcErrorDetails.FieldViolations(error.Trailers).Select(v => $"{v.Field}: {v.Description}").ToList();
            var message = error.StatusCode switch
            {
                _ when certificateProblem =>
                    $"the server at {context.ServerAddress.ToString().TrimEnd('/')} presented a certificate this machine does not trust " +
                    $"({error.Status.Detail}). Pass its certificate (or its CA's) with --ca-certificate FILE or {CommonOptions.CaCertificateEnvironmentVariable}.",
                StatusCode.Unavailable => $"cannot reach the server at {context.ServerAddress.ToString().TrimEnd('/')} ({error.Status.Detail}). " +
                                          "Start one with `dl4mic serve`, or point --server / DL4MIC_SERVER at it.",
                StatusCode.DeadlineExceeded => $"the server at {context.ServerAddress.ToString().TrimEnd('/')} did not answer in time ({error.Status.Detail})",
                _ => string.IsNullOrWhiteSpace(error.Status.Detail) ? $"server error: {error.StatusCode}" : error.Status.Detail,
            };
            // The violations are usually in the message already; list them only when they add something.
            violations.RemoveAll(v => message.Contains(v, StringComparison.Ordinal));
            return Report(context, code, message, violations, error.StatusCode.ToString());
        }
        catch (HttpRequestException error)
        {
            return Report(context, ExitCodes.ServerUnreachable, $"cannot reach the server at {context.ServerAddress.ToString().TrimEnd('/')}: {error.Message}", [], null);
        }
        catch (ImageFormatException error)
        {
            return Report(context, ExitCodes.InvalidInput, error.Message, [], null);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return Report(context, ExitCodes.InvalidInput, error.Message, [], null);
        }
        catch (Exception error)
        {
            return Report(context, ExitCodes.ServerError, $"unexpected error: {error.GetType().Name}: {error.Message}", [], null);
        }
    }

    private int Interrupted(CommandContext context)
    {
        context.Console.Note("interrupted (jobs already submitted keep running on the server)");
        return ExitCodes.Interrupted;
    }

    private static int Report(CommandContext context, int exitCode, string message, IReadOnlyList<string> details, string? status)
    {
        var console = context.Console;
        console.Stderr.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        foreach (var detail in details) console.Stderr.MarkupLine($"  {Markup.Escape(detail)}");
        if (context.Json)
        {
            var error = new JsonObject
            {
                ["exit_code"] = exitCode,
                ["message"] = message,
                ["details"] = new JsonArray(details.Select(d => (JsonNode?)d).ToArray()),
            };
            if (status is not null) error["grpc_status"] = status;
            JsonOutput.Write(console, new JsonObject { ["error"] = error });
        }
        return exitCode;
    }

    /// <summary>A TLS handshake that failed on the server's certificate (untrusted, expired, another host's).</summary>
    private static bool IsCertificateProblem(RpcException error)
    {
        for (Exception? e = error.Status.DebugException; e is not null; e = e.InnerException)
            if (e is System.Security.Authentication.AuthenticationException) return true;
        return false;
    }
}
