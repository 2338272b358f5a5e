using System.CommandLine;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic networks`: the group of network verbs.</summary>
public static class NetworksCommand
{
    public static Command Create(CommandRunner runner) => new("networks", "The networks the server can train, and their parameters")
    {
        NetworksListCommand.Create(runner),
        NetworksShowCommand.Create(runner),
    };
}
