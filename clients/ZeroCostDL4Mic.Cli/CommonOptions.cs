using System.CommandLine;

namespace ZeroCostDL4Mic.Cli;

/// <summary>The options every command accepts: which server to talk to, with which access token, and whether to answer in JSON.</summary>
public sealed class CommonOptions
{
    public const string DefaultServer = "http://127.0.0.1:5178";
    public const string ServerEnvironmentVariable = "DL4MIC_SERVER";
    public const string TokenEnvironmentVariable = "DL4MIC_TOKEN";
    public const string CaCertificateEnvironmentVariable = "DL4MIC_CA_CERTIFICATE";

    public CommonOptions()
    {
        Server = new Option<string>("--server")
        {
            Description = $"Server address (default {DefaultServer}, or the {ServerEnvironmentVariable} environment variable)",
            Recursive = true,
            HelpName = "URL",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ServerEnvironmentVariable) is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : DefaultServer,
        };
        Server.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!TryParseAddress(value, out _))
                result.AddError($"--server '{value}' is not an http:// or https:// address, e.g. {DefaultServer}");
        });

        // No DefaultValueFactory: help would print the token taken from the environment.
        Token = new Option<string>("--token")
        {
            Description = $"Access token for a shared server (or the {TokenEnvironmentVariable} environment variable); sent as \"authorization: Bearer\"",
            Recursive = true,
            HelpName = "TOKEN",
        };

        CaCertificate = new Option<string>("--ca-certificate")
        {
            Description = $"Trust this certificate (PEM or DER: a private CA's, or a self-signed server's) for an https:// server, besides the " +
                          $"system's (or the {CaCertificateEnvironmentVariable} environment variable)",
            Recursive = true,
            HelpName = "FILE",
        };
        CaCertificate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { Length: > 0 } path && !File.Exists(path))
                result.AddError($"--ca-certificate '{path}' does not exist");
        });

        Json = new Option<bool>("--json")
        {
            Description = "Print machine-readable JSON on stdout (and nothing else there)",
            Recursive = true,
        };
    }

    public Option<string> Server { get; }
    public Option<string> Token { get; }
    public Option<bool> Json { get; }
    public Option<string> CaCertificate { get; }

    /// <summary>--ca-certificate, else DL4MIC_CA_CERTIFICATE, else none (the system's trust store alone).</summary>
    public string? CaCertificateOf(ParseResult parse) =>
        parse.GetValue(CaCertificate) is { Length: > 0 } given ? given
        : Environment.GetEnvironmentVariable(CaCertificateEnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : null;

    /// <summary>--token, else DL4MIC_TOKEN, else none (a server without tokens).</summary>
    public string? TokenOf(ParseResult parse) =>
        parse.GetValue(Token) is { Length: > 0 } given ? given
        : Environment.GetEnvironmentVariable(TokenEnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : null;

    public static bool TryParseAddress(string? value, out Uri address)
    {
        address = null!;
        if (string.IsNullOrWhiteSpace(value)) return false;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)) return false;
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) return false;
        address = uri;
        return true;
    }
}
