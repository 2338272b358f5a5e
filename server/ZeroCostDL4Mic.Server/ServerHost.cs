using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Engine;
using ZeroCostDL4Mic.Server.Grpc;
using ZeroCostDL4Mic.Server.Interceptors;
using ZeroCostDL4Mic.Server.Options;

namespace ZeroCostDL4Mic.Server;

/// <summary>
/// Builds the gRPC server: Program.cs, the CLI (serve, demo) and the tests all start it through here.
/// Settings come from configuration ("Server", "Auth" and "Engine" sections; --Server:Port=0 on the command line).
/// </summary>
public static class ServerHost
{
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        ["Logging:LogLevel:Grpc"] = "Warning",
    };

    /// <param name="args">Command-line configuration, e.g. --Server:Port=0 --Engine:DataDirectory=/data.</param>
    /// <param name="configure">Runs after the server's own registrations, so a host can add or replace services.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        builder.Services.AddZeroCostServer();
        builder.Services.AddZeroCostEngine();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapZeroCostServices();
        app.Lifetime.ApplicationStarted.Register(() => LogAccessMode(app));
        return app;
    }

    /// <summary>Options, Kestrel (h2c on Server:Host:Server:Port) and gRPC with the exception and access token interceptors.</summary>
    public static IServiceCollection AddZeroCostServer(this IServiceCollection services)
    {
        services.AddOptions<ServerOptions>().BindConfiguration(ServerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).PostConfigure(TokensFile.AddUsers)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AccessTokens>();

        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerOptions>>((kestrel, serverOptions) =>
        {
            var o = serverOptions.Value;
            var certificate = TlsCertificate.Load(o);
            Action<ListenOptions> h2c = listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (certificate is not null) listen.UseHttps(certificate);
            };
            bool localhost = string.Equals(o.Host, "localhost", StringComparison.OrdinalIgnoreCase);
            // Kestrel cannot pick one free port for both loopback families, so localhost:0 means 127.0.0.1.
            if (localhost && o.Port != 0) kestrel.ListenLocalhost(o.Port, h2c);
            else kestrel.Listen(localhost ? IPAddress.Loopback : IPAddress.Parse(o.Host), o.Port, h2c);
        });

        services.AddGrpc(grpc =>
        {
            // Exceptions first: interceptors added later (e.g. authentication) run inside it.
            grpc.Interceptors.Add<ExceptionInterceptor>();
            grpc.Interceptors.Add<AccessTokenInterceptor>();
            grpc.EnableDetailedErrors = false;
        });
        services.AddOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>().Configure<IOptions<ServerOptions>>((grpc, serverOptions) =>
        {
            grpc.MaxReceiveMessageSize = serverOptions.Value.MaxMessageBytes;
            grpc.MaxSendMessageSize = serverOptions.Value.MaxMessageBytes;
        });
        return services;
    }

    public static WebApplication MapZeroCostServices(this WebApplication app)
    {
        app.MapGrpcService<ServerInfoService>();
        app.MapGrpcService<NetworksService>();
        app.MapGrpcService<DatasetsService>();
        app.MapGrpcService<JobsService>();
        app.MapGrpcService<ModelsService>();
        app.MapGrpcService<InferenceService>();
        return app;
    }

    /// <summary>Says at start who may use the server; a server open to the network without tokens gets a warning.</summary>
    private static void LogAccessMode(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServerHost).FullName!);
        var users = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Users;
        var server = app.Services.GetRequiredService<IOptions<ServerOptions>>().Value;
        if (users.Count > 0)
            logger.LogInformation("Access tokens required: {Users} users, {Admins} of them admins", users.Count, users.Count(u => u.Admin));
        else if (!ServerOptions.IsLoopback(server.Host))
            logger.LogWarning(OpenWithoutTokensWarning, server.Host);
        if (server.UsesTls)
            logger.LogInformation("TLS on: clients connect to https://");
        else if (users.Count > 0 && !ServerOptions.IsLoopback(server.Host))
            logger.LogWarning(TokensInClearTextWarning, server.Host);
    }

    public const string TokensInClearTextWarning =
        "Server:Host is {Host} without TLS: access tokens and images cross the network in clear text. Give the server a " +
        "certificate (Server:TlsCertificate and Server:TlsKey; dl4mic serve --tls-certificate FILE --tls-key FILE).";

    public const string OpenWithoutTokensWarning =
        "Server:Host is {Host} and no access tokens are configured: anyone who can reach this machine can use the server and " +
        "delete its datasets and models. Give each user a token (Auth:Users or Auth:TokensFile; dl4mic serve --tokens-file FILE).";

    /// <summary>
    /// The address a client on this machine can dial once the app has started: the real port when
    /// Server:Port is 0, and loopback in place of a wildcard host (0.0.0.0, [::]).
    /// </summary>
    public static Uri BoundAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault()
            ?? throw new InvalidOperationException("the server has no bound address yet; call StartAsync first");
        var uri = new UriBuilder(first);
        if (uri.Host is "0.0.0.0" or "[::]" or "::" or "*" or "+") uri.Host = "127.0.0.1";
        return uri.Uri;
    }
}
