namespace ZeroCostDL4Mic.Cli.Tests;

public class CommandParsingTests
{
    [Theory]
    [InlineData(new[] { "datasets", "create", "--kind", "paired", "--source", "s" }, "--name")]
    [InlineData(new[] { "datasets", "create", "--name", "n", "--kind", "pairs", "--source", "s" }, "pairs")]
    [InlineData(new[] { "train", "--network", "care-2d" }, "--dataset")]
    [InlineData(new[] { "train", "--network", "care-2d", "--dataset", "d", "--param", "epochs" }, "NAME=VALUE")]
    [InlineData(new[] { "train", "--network", "care-2d", "--dataset", "d", "--param", "=3" }, "NAME=VALUE")]
    [InlineData(new[] { "train", "--network", "care-2d", "--dataset", "d", "--base-weights", "worst" }, "worst")]
    [InlineData(new[] { "predict", "--model", "m", "--input", "i", "--output", "o", "--tile", "-4" }, "--tile")]
    [InlineData(new[] { "predict", "--model", "m", "--input", "i", "--output", "o", "--threshold", "1.5" }, "--threshold")]
    [InlineData(new[] { "predict", "--model", "m", "--input", "i" }, "--output")]
    [InlineData(new[] { "qc", "--model", "m", "--source", "s" }, "--target")]
    [InlineData(new[] { "serve", "--port", "70000" }, "--port")]
    [InlineData(new[] { "serve", "--device", "tpu" }, "tpu")]
    [InlineData(new[] { "info", "--server", "ftp://example.org" }, "--server")]
    [InlineData(new[] { "models", "show" }, "argument")]
    [InlineData(new[] { "models", "export", "m", "--format", "pytorch" }, "pytorch")]
    [InlineData(new[] { "models", "export", "m", "--bioimageio-version", "0.3" }, "0.3")]
    [InlineData(new[] { "models", "import" }, "argument")]
    [InlineData(new[] { "predict", "--model", "m", "--input", "i", "--output", "o", "--backend", "tensorflow" }, "tensorflow")]
    [InlineData(new[] { "jobs" }, "command")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    [InlineData(new string[0], "command")]
    public async Task Invalid_arguments_exit_with_1_and_say_what_is_wrong(string[] args, string mentioned)
    {
        var run = await CliRun.RunAsync([.. args, "--json"]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("error:", run.Stderr);
        Assert.Contains(mentioned, run.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("--help", run.Stderr);
        Assert.Equal("", run.Stdout); // --json promises nothing but JSON on stdout
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("train", "--help")]
    [InlineData("datasets", "create", "--help")]
    public async Task Help_lists_the_exit_codes(params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("Exit codes:", run.Stdout);
        Assert.Contains("2  server unreachable", run.Stdout);
        Assert.Contains("5  job failed", run.Stdout);
    }

    [Fact]
    public async Task Every_command_accepts_server_token_and_json()
    {
        string[][] commands =
        [
            ["serve"], ["info"], ["demo"], ["datasets", "create"], ["datasets", "list"], ["datasets", "show"], ["datasets", "delete"],
            ["networks", "list"], ["networks", "show"], ["train"], ["jobs", "list"], ["jobs", "show"], ["jobs", "watch"],
            ["jobs", "cancel"], ["qc"], ["predict"], ["models", "list"], ["models", "show"], ["models", "download"], ["models", "delete"],
            ["models", "export"], ["models", "import"],
        ];
        foreach (var command in commands)
        {
            var run = await CliRun.RunAsync([.. command, "--help"]);
            Assert.True(run.ExitCode == 0, $"{string.Join(" ", command)}: {run}");
            Assert.Contains("--server", run.Stdout);
            Assert.Contains("--token", run.Stdout);
            Assert.Contains("--json", run.Stdout);
        }
    }

    [Fact]
    public async Task A_parameter_value_may_contain_equals_signs()
    {
        Assert.True(Commands.TrainCommand.TryParseParameter("note=a=b", out var parameter));
        Assert.Equal("note", parameter.Name);
        Assert.Equal("a=b", parameter.Value);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task An_unreachable_server_exits_with_2_and_json_says_why()
    {
        var port = FreePort();
        var run = await CliRun.RunAsync("info", "--server", $"http://127.0.0.1:{port}", "--json");

        Assert.Equal(ExitCodes.ServerUnreachable, run.ExitCode);
        var error = run.Json()["error"]!;
        Assert.Equal(2, (int)error["exit_code"]!);
        Assert.Equal("Unavailable", (string)error["grpc_status"]!);
        Assert.Contains("cannot reach the server", run.Stderr);
    }

    [Fact]
    public async Task The_server_address_can_come_from_the_environment()
    {
        var port = FreePort();
        var previous = Environment.GetEnvironmentVariable(CommonOptions.ServerEnvironmentVariable);
        Environment.SetEnvironmentVariable(CommonOptions.ServerEnvironmentVariable, $"http://127.0.0.1:{port}");
        try
        {
            var run = await CliRun.RunAsync("datasets", "list");
            Assert.Equal(ExitCodes.ServerUnreachable, run.ExitCode);
            Assert.Contains($"127.0.0.1:{port}", run.Stderr);
        }
        finally
        {
            Environment.SetEnvironmentVariable(CommonOptions.ServerEnvironmentVariable, previous);
        }
    }

    [Fact]
    public async Task Predicting_a_missing_input_is_invalid_input_before_any_server_call()
    {
        var run = await CliRun.RunAsync("predict", "--model", "m", "--input", "/no/such/folder", "--output", Path.GetTempPath(),
            "--server", $"http://127.0.0.1:{FreePort()}");

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("/no/such/folder", run.Stderr);
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
