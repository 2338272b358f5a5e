using Microsoft.Extensions.Logging;
using ZeroCostDL4Mic.Cli.Hosting;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Tests;

/// <summary>A server started the way `dl4mic serve --tokens-file` starts it, with two users and an admin.</summary>
public sealed class SharedServer : IAsyncLifetime
{
    public const string AliceToken = "alice-token-0123456789";
    public const string BobToken = "bob-token-abcdefghijkl";
    public const string AdminToken = "root-token-ZYXWVUTSRQ";

    private InProcessServer? _server;
    private readonly string _folder = Directory.CreateTempSubdirectory("dl4mic-cli-auth-").FullName;

    public string Address { get; private set; } = "";
    public string? OwnToken => _server?.OwnToken;

    public async Task InitializeAsync()
    {
        var tokensFile = Path.Combine(_folder, "tokens.json");
        File.WriteAllText(tokensFile, $$"""
            { "users": [
                { "name": "alice", "token": "{{AliceToken}}" },
                { "name": "bob", "token": "{{BobToken}}" },
                { "name": "root", "token": "{{AdminToken}}", "admin": true } ] }
            """);
        _server = await InProcessServer.StartAsync(
            new InProcessServerSettings(Path.Combine(_folder, "data"), Device: "cpu", MinimumLogLevel: LogLevel.Warning, TokensFile: tokensFile),
            CancellationToken.None);
        Address = _server.Address.ToString().TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}

public sealed class AccessTokenTests(SharedServer server) : IClassFixture<SharedServer>
{
    private Task<CliRun> Dl4mic(params string[] args) => CliRun.RunAsync([.. args, "--server", server.Address]);

    /// <summary>An empty dataset of the token's user, created through the same connection class the CLI uses.</summary>
    private async Task<string> CreateDataset(string name, string token)
    {
        using var connection = new ServerConnection(new Uri(server.Address), token);
        var request = new CreateDatasetRequest { Name = name, Kind = DatasetKind.Images };
        return (await connection.Datasets.CreateDatasetAsync(request)).Dataset.Id;
    }

    [Fact]
    public async Task The_token_option_identifies_the_user()
    {
        var run = await Dl4mic("info", "--json", "--token", SharedServer.AliceToken);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("alice", (string?)run.Json()["user"]);
        Assert.True((bool?)run.Json()["access_token_required"]);
    }

    [Fact]
    public async Task The_token_can_come_from_the_environment()
    {
        var previous = Environment.GetEnvironmentVariable(CommonOptions.TokenEnvironmentVariable);
        Environment.SetEnvironmentVariable(CommonOptions.TokenEnvironmentVariable, SharedServer.BobToken);
        try
        {
            var run = await Dl4mic("info");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("bob", run.Stdout);
            // --token wins over the environment.
            var alice = await Dl4mic("info", "--json", "--token", SharedServer.AliceToken);
            Assert.Equal("alice", (string?)alice.Json()["user"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(CommonOptions.TokenEnvironmentVariable, previous);
        }
    }

    [Fact]
    public async Task A_wrong_token_exits_with_access_denied()
    {
        var run = await Dl4mic("datasets", "list", "--token", "not-the-right-token-at-all", "--json");
        Assert.Equal(ExitCodes.AccessDenied, run.ExitCode);
        Assert.Contains("the access token is not valid", run.Stderr);
        Assert.Equal(8, (int?)run.Json()["error"]!["exit_code"]);
    }

    [Fact]
    public async Task No_token_exits_with_access_denied_and_says_how_to_pass_one()
    {
        var run = await Dl4mic("jobs", "list");
        Assert.Equal(ExitCodes.AccessDenied, run.ExitCode);
        Assert.Contains("--token", run.Stderr);
    }

    [Fact]
    public async Task Lists_show_the_owner_and_mine_keeps_only_the_callers_items()
    {
        await CreateDataset("alice-cli", SharedServer.AliceToken);
        await CreateDataset("bob-cli", SharedServer.BobToken);

        var all = await Dl4mic("datasets", "list", "--token", SharedServer.BobToken);
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Contains("owner", all.Stdout);
        Assert.Contains("alice-cli", all.Stdout);
        Assert.Contains("bob-cli", all.Stdout);

        var mine = await Dl4mic("datasets", "list", "--mine", "--token", SharedServer.BobToken);
        Assert.Contains("bob-cli", mine.Stdout);
        Assert.DoesNotContain("alice-cli", mine.Stdout);

        var ofAlice = await Dl4mic("datasets", "list", "--owner", "alice", "--json", "--token", SharedServer.BobToken);
        Assert.All(ofAlice.Json()["datasets"]!.AsArray(), d => Assert.Equal("alice", (string?)d!["owner"]));
    }

    [Fact]
    public async Task Deleting_another_users_dataset_exits_with_access_denied_and_names_the_owner()
    {
        var id = await CreateDataset("alice-keep", SharedServer.AliceToken);

        var run = await Dl4mic("datasets", "delete", id, "--token", SharedServer.BobToken);
        Assert.Equal(ExitCodes.AccessDenied, run.ExitCode);
        Assert.Contains("belongs to alice", run.Stderr);
        Assert.Equal(0, (await Dl4mic("datasets", "show", id, "--token", SharedServer.BobToken)).ExitCode);
    }

    [Fact]
    public void The_hosting_process_calls_its_own_server_as_the_admin() =>
        Assert.Equal(SharedServer.AdminToken, server.OwnToken);
}
