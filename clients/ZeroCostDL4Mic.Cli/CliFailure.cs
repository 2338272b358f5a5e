namespace ZeroCostDL4Mic.Cli;

/// <summary>An error the client detected itself, with the exit code it ends the process with.</summary>
public sealed class CliFailure(int exitCode, string message, IReadOnlyList<string>? details = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
    public IReadOnlyList<string> Details { get; } = details ?? Array.Empty<string>();

    public static CliFailure Usage(string message) => new(ExitCodes.Usage, message);
    public static CliFailure InvalidInput(string message, IReadOnlyList<string>? details = null) => new(ExitCodes.InvalidInput, message, details);
    public static CliFailure NotFound(string message) => new(ExitCodes.NotFound, message);
}
