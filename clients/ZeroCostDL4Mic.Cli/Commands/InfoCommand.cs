using System.CommandLine;
using Spectre.Console;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic info`: the server's version, device and limits.</summary>
public static class InfoCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("info", "Show the server's version, compute device and limits");
        runner.Bind(command, async context =>
        {
            var info = await context.Server.ServerInfo.GetServerInfoAsync(new GetServerInfoRequest(), cancellationToken: context.Cancellation);
            if (context.Json)
            {
                var node = JsonOutput.ToNode(info);
                node["server"] = context.ServerAddress.ToString().TrimEnd('/');
                JsonOutput.Write(context.Console, node);
                return ExitCodes.Ok;
            }
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("server", Markup.Escape(context.ServerAddress.ToString().TrimEnd('/')));
            grid.AddRow("version", Markup.Escape(info.Version));
            grid.AddRow("device", Markup.Escape(info.Device));
            grid.AddRow("cuda available", info.CudaAvailable ? "yes" : "no");
            grid.AddRow("max image size", info.MaxImageBytes > 0 ? Rendering.Names.Bytes(info.MaxImageBytes) : "-");
            grid.AddRow("concurrent trainings", info.MaxConcurrentTrainings.ToString(System.Globalization.CultureInfo.InvariantCulture));
            grid.AddRow("access tokens", info.AccessTokenRequired ? "required" : "not required");
            grid.AddRow("you are", Markup.Escape(info.User) + (info.Admin ? " (admin)" : ""));
            context.Console.Stdout.Write(grid);
            return ExitCodes.Ok;
        });
        return command;
    }
}
