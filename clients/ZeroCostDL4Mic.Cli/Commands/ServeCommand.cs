using System.CommandLine;
using System.Text.Json.Nodes;
using ZeroCostDL4Mic.Cli.Hosting;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic serve`: runs the gRPC server in this process until Ctrl+C.</summary>
public static class ServeCommand
{
    public static Command Create(CommandRunner runner)
    {
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "Folder for the server's database, datasets and models (created if missing)",
            DefaultValueFactory = _ => "dl4mic-data",
            HelpName = "DIR",
        };
        var port = new Option<int>("--port") { Description = "TCP port (0 = any free port)", DefaultValueFactory = _ => 5178, HelpName = "N" };
        port.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<int>();
            if (value is < 0 or > 65535) r.AddError($"--port must be between 0 and 65535 (got {value})");
        });
        var host = new Option<string>("--host")
        {
            Description = "Interface to listen on (0.0.0.0 for every interface)",
            DefaultValueFactory = _ => "127.0.0.1",
            HelpName = "ADDRESS",
        };
        var device = new Option<string>("--device") { Description = "Compute device", DefaultValueFactory = _ => "auto", HelpName = "auto|cpu|cuda" };
        device.AcceptOnlyFromAmong("auto", "cpu", "cuda");

        var tokensFile = new Option<string>("--tokens-file")
        {
            Description = "JSON file of users and their access tokens, for a server shared on the network " +
                          "({ \"users\": [ { \"name\": \"alice\", \"token\": \"...\", \"admin\": false } ] }); without it, no token is needed",
            HelpName = "FILE",
        };

        var tlsCertificate = new Option<string>("--tls-certificate")
        {
            Description = "PEM certificate: serve https:// (TLS) instead of plain HTTP/2, so tokens and images do not cross the LAN in clear text",
            HelpName = "FILE",
        };
        var tlsKey = new Option<string>("--tls-key") { Description = "PEM private key of --tls-certificate", HelpName = "FILE" };
        foreach (var file in new[] { tlsCertificate, tlsKey })
            file.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<string>() is { Length: > 0 } path && !File.Exists(path)) r.AddError($"{file.Name} '{path}' does not exist");
            });
        var command = new Command("serve", "Run the ZeroCostDL4Mic server in this process until Ctrl+C") { dataDir, port, host, device, tokensFile, tlsCertificate, tlsKey };
        command.Validators.Add(r =>
        {
            if (r.GetValue(tlsCertificate) is { Length: > 0 } != r.GetValue(tlsKey) is { Length: > 0 })
                r.AddError("--tls-certificate and --tls-key go together");
        });
        runner.Bind(command, async context =>
        {
            var settings = new InProcessServerSettings(context.Value(dataDir), context.Value(host), context.Value(port), context.Value(device),
                TokensFile: context.Parse.GetValue(tokensFile), TlsCertificate: context.Parse.GetValue(tlsCertificate), TlsKey: context.Parse.GetValue(tlsKey));
            await using var server = await InProcessServer.StartAsync(settings, context.Cancellation);
            var dataPath = Path.GetFullPath(settings.DataDirectory);
            context.UseServer(server.Address, server.OwnToken, server.Certificate);
            var info = await context.Server.ServerInfo.GetServerInfoAsync(new GetServerInfoRequest(), cancellationToken: context.Cancellation);
            if (context.Json)
                JsonOutput.Write(context.Console, new JsonObject
                {
                    ["address"] = server.Address.ToString().TrimEnd('/'),
                    ["data_dir"] = dataPath,
                    ["device"] = info.Device,
                    ["version"] = info.Version,
                });
            else
                context.Console.Output.WriteLine(server.Address.ToString().TrimEnd('/'));
            context.Console.Note($"dl4mic server {info.Version} listening on {string.Join(", ", server.BoundAddresses)}, device {info.Device}, " +
                                 $"data in {dataPath}, {(info.AccessTokenRequired ? "access tokens required" : "no access tokens")}; Ctrl+C stops it");
            try
            {
                await server.WaitForShutdownAsync(context.Cancellation);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C is how a server is meant to stop.
            }
            context.Console.Note("stopping the server");
            return ExitCodes.Ok;
        });
        return command;
    }
}
