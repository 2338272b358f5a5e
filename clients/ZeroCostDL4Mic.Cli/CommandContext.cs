using System.CommandLine;
using System.Security.Cryptography.X509Certificates;

namespace ZeroCostDL4Mic.Cli;

/// <summary>What one command invocation needs: its parsed options, the console and a lazily opened server connection.</summary>
public sealed class CommandContext : IDisposable
{
    private ServerConnection? _server;

    public CommandContext(ParseResult parse, CommonOptions common, CliConsole console, CancellationToken cancellation)
    {
        Parse = parse;
        Console = console;
        Cancellation = cancellation;
        Json = parse.GetValue(common.Json);
        var address = parse.GetValue(common.Server);
        ServerAddress = CommonOptions.TryParseAddress(address, out var uri) ? uri : new Uri(CommonOptions.DefaultServer);
        ServerGivenExplicitly = parse.GetResult(common.Server) is { Implicit: false };
        Token = common.TokenOf(parse);
        _caCertificatePath = common.CaCertificateOf(parse);
    }

    private string? _caCertificatePath;
    private X509Certificate2? _trustedCertificate;

    public ParseResult Parse { get; }
    public CliConsole Console { get; }
    public CancellationToken Cancellation { get; }
    public bool Json { get; }
    public Uri ServerAddress { get; private set; }
    /// <summary>True when --server was typed on the command line (not the default or the environment).</summary>
    public bool ServerGivenExplicitly { get; }
    /// <summary>The access token sent with every call, or null.</summary>
    public string? Token { get; private set; }

    /// <summary>A certificate trusted for https:// besides the system's (--ca-certificate), or null; read on first use.</summary>
    public X509Certificate2? TrustedCertificate =>
        _trustedCertificate ??= _caCertificatePath is null ? null : TrustedCertificates.Load(_caCertificatePath);

    public ServerConnection Server => _server ??= new ServerConnection(ServerAddress, Token, TrustedCertificate);

    public T Value<T>(Option<T> option) => Parse.GetValue(option)!;
    public T Value<T>(Argument<T> argument) => Parse.GetValue(argument)!;

    /// <summary>Points the context at another server (the in-process one of demo and serve), with its token if it wants one.</summary>
    public void UseServer(Uri address, string? token = null, X509Certificate2? certificate = null)
    {
        _server?.Dispose();
        _server = null;
        ServerAddress = address;
        Token = token;
        _caCertificatePath = null;
        _trustedCertificate = certificate;
    }

    public void Dispose() => _server?.Dispose();
}
