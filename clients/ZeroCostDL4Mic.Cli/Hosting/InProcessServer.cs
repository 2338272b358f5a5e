using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Server;
using ZeroCostDL4Mic.Server.Options;

namespace ZeroCostDL4Mic.Cli.Hosting;

/// <summary>
/// Settings of a server run inside the dl4mic process (`serve`, `demo`); TokensFile lists the users of a shared server,
/// TlsCertificate (PEM, with TlsKey) turns on TLS.
/// </summary>
public sealed record InProcessServerSettings(
    string DataDirectory, string Host = "127.0.0.1", int Port = 0, string Device = "auto", LogLevel MinimumLogLevel = LogLevel.Information,
    string? TokensFile = null, string? TlsCertificate = null, string? TlsKey = null);

/// <summary>
/// The gRPC server hosted in this process through ServerHost, logging to stderr (stdout stays for results);
/// port 0 binds an ephemeral port, and <see cref="Address"/> is the one clients on this machine can dial.
/// </summary>
public sealed class InProcessServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IReadOnlyList<string> BoundAddresses =>
        _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>
    /// A token the hosting process may use to call its own server (the first admin's, else the first user's), or
    /// null on a server without tokens.
    /// </summary>
    public string? OwnToken
    {
        get
        {
            var users = _app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Users;
            return (users.FirstOrDefault(u => u.Admin) ?? users.FirstOrDefault())?.Token;
        }
    }

    public static string[] Arguments(InProcessServerSettings settings) =>
    [
        "--Engine:DataDirectory", Path.GetFullPath(settings.DataDirectory),
        "--Server:Host", settings.Host,
        "--Server:Port", settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--Engine:Device", settings.Device,
        .. settings.TokensFile is { Length: > 0 } tokens ? ["--Auth:TokensFile", Path.GetFullPath(tokens)] : Array.Empty<string>(),
        .. settings.TlsCertificate is { Length: > 0 } certificate ? ["--Server:TlsCertificate", Path.GetFullPath(certificate)] : Array.Empty<string>(),
        .. settings.TlsKey is { Length: > 0 } key ? ["--Server:TlsKey", Path.GetFullPath(key)] : Array.Empty<string>(),
    ];

    /// <summary>The certificate the server presents (so that this process can call it over TLS), or null without TLS.</summary>
    public X509Certificate2? Certificate => TlsCertificate.Load(_app.Services.GetRequiredService<IOptions<ServerOptions>>().Value);

    public static async Task<InProcessServer> StartAsync(InProcessServerSettings settings, CancellationToken cancellation)
    {
        var app = ServerHost.Build(Arguments(settings), builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            // Provider-specific rules win over the host's configuration; per-request logs stay out of the way.
            builder.Logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(null, settings.MinimumLogLevel);
            builder.Logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(
                "Microsoft.AspNetCore", settings.MinimumLogLevel > LogLevel.Warning ? settings.MinimumLogLevel : LogLevel.Warning);
            builder.Logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(
                "Grpc", settings.MinimumLogLevel > LogLevel.Warning ? settings.MinimumLogLevel : LogLevel.Warning);
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        });
        try
        {
            await app.StartAsync(cancellation);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new InProcessServer(app, ServerHost.BoundAddress(app));
    }

    /// <summary>Waits until the host stops by itself or <paramref name="cancellation"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellation) => _app.WaitForShutdownAsync(cancellation);

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try { await _app.StopAsync(timeout.Token); }
            catch (OperationCanceledException) { /* stopping took too long; disposing ends it */ }
        }
        await _app.DisposeAsync();
    }
}
