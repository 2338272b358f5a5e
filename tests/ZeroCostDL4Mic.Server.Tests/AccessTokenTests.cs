using System.Globalization;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;
using ZeroCostDL4Mic.Server.Interceptors;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>The users every access token test server knows; bob and alice are plain users, root is an admin.</summary>
public static class TestUsers
{
    public static readonly (string Name, string Token) Alice = ("alice", "alice-token-0123456789");
    public static readonly (string Name, string Token) Bob = ("bob", "bob-token-abcdefghijkl");
    public static readonly (string Name, string Token) Root = ("root", "root-token-ZYXWVUTSRQ");

    public static readonly string[] Arguments =
    [
        $"--Auth:Users:0:Name={Alice.Name}", $"--Auth:Users:0:Token={Alice.Token}",
        $"--Auth:Users:1:Name={Bob.Name}", $"--Auth:Users:1:Token={Bob.Token}",
        $"--Auth:Users:2:Name={Root.Name}", $"--Auth:Users:2:Token={Root.Token}", "--Auth:Users:2:Admin=true",
    ];
}

/// <summary>The generated clients of one user (or of a caller with a wrong or no token).</summary>
public sealed class UserClients(CallInvoker calls)
{
    public UserClients(ServerFixture server, string? token) : this(token is null ? server.Channel.CreateCallInvoker() : server.Channel.WithToken(token)) { }

    public Datasets.DatasetsClient Datasets { get; } = new(calls);
    public Jobs.JobsClient Jobs { get; } = new(calls);
    public Models.ModelsClient Models { get; } = new(calls);
    public Inference.InferenceClient Inference { get; } = new(calls);
    public Protos.V1.ServerInfo.ServerInfoClient ServerInfo { get; } = new(calls);
}

public sealed class FakeEngineWithTokensFixture : FakeEngineFixture
{
    protected override IEnumerable<string> ExtraArguments => [.. base.ExtraArguments, .. TestUsers.Arguments];
}

/// <summary>Every kind of call needs a valid token once users are configured; the engine is a stand-in.</summary>
public class AccessTokenTests(FakeEngineWithTokensFixture server) : IClassFixture<FakeEngineWithTokensFixture>
{
    private static readonly ImageData Small = ImageData.Create2D(8, 8, Enumerable.Range(0, 64).Select(i => (float)i).ToArray());

    private UserClients Alice => new(server, TestUsers.Alice.Token);

    private static async Task<RpcException> Refused(StatusCode code, string messageStart, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, e.StatusCode);
        Assert.StartsWith(messageStart, e.Status.Detail);
        return e;
    }

    [Fact]
    public async Task A_call_without_a_token_is_unauthenticated_and_the_server_keeps_serving()
    {
        var anonymous = new UserClients(server, token: null);
        await Refused(StatusCode.Unauthenticated, "this server requires an access token",
            async () => await anonymous.ServerInfo.GetServerInfoAsync(new GetServerInfoRequest()));
        await Refused(StatusCode.Unauthenticated, "this server requires an access token",
            async () => await anonymous.Datasets.ListDatasetsAsync(new ListDatasetsRequest()));

        var info = await Alice.ServerInfo.GetServerInfoAsync(new GetServerInfoRequest());
        Assert.Equal("cpu", info.Device);
    }

    [Theory]
    [InlineData("Bearer alice-token-0123456780")] // one character off
    [InlineData("Bearer ")]
    [InlineData("alice-token-0123456789")]        // the right token without the scheme
    [InlineData("Basic YWxpY2U6c2VjcmV0")]
    public async Task A_wrong_token_is_unauthenticated_even_for_server_info(string header)
    {
        var calls = server.Channel.Intercept(m =>
        {
            m.Add("authorization", header);
            return m;
        });
        var e = await Refused(StatusCode.Unauthenticated, "the access token is not valid",
            async () => await new Protos.V1.ServerInfo.ServerInfoClient(calls).GetServerInfoAsync(new GetServerInfoRequest()));
        Assert.DoesNotContain("alice-token", e.Status.Detail);
    }

    [Fact]
    public async Task Server_info_says_a_token_is_required_and_who_the_caller_is()
    {
        var alice = await Alice.ServerInfo.GetServerInfoAsync(new GetServerInfoRequest());
        Assert.True(alice.AccessTokenRequired);
        Assert.Equal("alice", alice.User);
        Assert.False(alice.Admin);
        var root = await new UserClients(server, TestUsers.Root.Token).ServerInfo.GetServerInfoAsync(new GetServerInfoRequest());
        Assert.Equal("root", root.User);
        Assert.True(root.Admin);
    }

    [Fact]
    public async Task Client_streaming_upload_needs_a_token()
    {
        var dataset = await Alice.Datasets.CreateDatasetAsync("upload-auth", DatasetKind.Images);
        var file = new UploadFile(SampleRole.Source, "img", Small, DType.Float32);
        await Refused(StatusCode.Unauthenticated, "this server requires an access token",
            () => new UserClients(server, token: null).Datasets.UploadAsync(dataset.Id, file));
        Assert.Empty(server.DatasetStore.Samples(dataset.Id));

        var response = await Alice.Datasets.UploadAsync(dataset.Id, file);
        Assert.Equal(1, response.FilesStored);
        Assert.Equal("alice", dataset.Owner);
    }

    [Fact]
    public async Task Server_streaming_watch_needs_a_token()
    {
        await Refused(StatusCode.Unauthenticated, "the access token is not valid",
            () => new UserClients(server, "not-a-token-of-this-server").Jobs.WatchToEndAsync("j1", TimeSpan.FromSeconds(30)));
        var events = await Alice.Jobs.WatchToEndAsync("j1", TimeSpan.FromSeconds(30));
        Assert.Equal(JobState.Succeeded, events.Last().State);
    }

    [Fact]
    public async Task Bidirectional_predict_needs_a_token()
    {
        var messages = GrpcClients.PredictMessages(new PredictHeader { ModelId = "m1" }, ("img", Small, DType.Float32)).ToList();
        await Refused(StatusCode.Unauthenticated, "this server requires an access token",
            () => new UserClients(server, token: null).Inference.PredictAsync(messages));
        var result = await Alice.Inference.PredictAsync(messages);
        Assert.Equal(2, result.Outputs.Count);
    }
}

/// <summary>Ownership against the real engine: others may read, only the owner or an admin may cancel or delete.</summary>
public sealed class RealEngineWithTokensFixture : ServerFixture
{
    protected override IEnumerable<string> ExtraArguments => TestUsers.Arguments;
}

public class OwnershipTests(RealEngineWithTokensFixture server) : IClassFixture<RealEngineWithTokensFixture>
{
    private UserClients Alice => new(server, TestUsers.Alice.Token);
    private UserClients Bob => new(server, TestUsers.Bob.Token);
    private UserClients Root => new(server, TestUsers.Root.Token);

    private static async Task Denied(string owner, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Contains($"belongs to {owner}", e.Status.Detail);
    }

    private static async Task<Dataset> PairedDataset(UserClients user, string name)
    {
        var dataset = await user.Datasets.CreateDatasetAsync(name, DatasetKind.Paired);
        var clean = TestImages.Crop(TestImages.Load("em-0.png"), 0, 0, 64, 64);
        await user.Datasets.UploadAsync(dataset.Id,
            new UploadFile(SampleRole.Source, "cell", TestImages.PoissonGaussian(clean, 20, 10, seed: 1), DType.Float32),
            new UploadFile(SampleRole.Target, "cell", clean, DType.Uint8));
        return dataset;
    }

    [Fact]
    public async Task Others_cannot_delete_a_dataset_or_upload_into_it_but_an_admin_can_delete_it()
    {
        var dataset = await PairedDataset(Alice, "alice-owned");
        Assert.Equal("alice", dataset.Owner);

        await Denied("alice", async () => await Bob.Datasets.DeleteDatasetAsync(new DeleteDatasetRequest { DatasetId = dataset.Id }));
        var upload = new UploadFile(SampleRole.Source, "intruder", TestImages.Crop(TestImages.Load("em-0.png"), 0, 0, 64, 64), DType.Uint8);
        await Denied("alice", () => Bob.Datasets.UploadAsync(dataset.Id, upload));

        // Bob can still read it (a shared facility), and nothing of it changed.
        var seen = (await Bob.Datasets.GetDatasetAsync(new GetDatasetRequest { DatasetId = dataset.Id })).Dataset;
        Assert.Equal(["cell"], seen.Samples.Select(s => s.Name).Distinct());
        Assert.Equal("alice", seen.Owner);

        await Root.Datasets.DeleteDatasetAsync(new DeleteDatasetRequest { DatasetId = dataset.Id });
        var e = await Assert.ThrowsAsync<RpcException>(async () => await Alice.Datasets.GetDatasetAsync(new GetDatasetRequest { DatasetId = dataset.Id }));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task The_owner_deletes_their_own_dataset()
    {
        var dataset = await Bob.Datasets.CreateDatasetAsync("bob-owned", DatasetKind.Images);
        await Bob.Datasets.DeleteDatasetAsync(new DeleteDatasetRequest { DatasetId = dataset.Id });
        Assert.DoesNotContain((await Bob.Datasets.ListDatasetsAsync(new ListDatasetsRequest())).Datasets, d => d.Id == dataset.Id);
    }

    private async Task<Job> SubmitTraining(UserClients user, string name, int epochs)
    {
        var dataset = await PairedDataset(user, $"{name}-data");
        var request = new SubmitTrainingRequest { Network = "care-2d", DatasetId = dataset.Id, ModelName = name };
        foreach (var (parameter, value) in new Dictionary<string, double>
                 {
                     ["epochs"] = epochs, ["steps_per_epoch"] = 2, ["batch_size"] = 2, ["patch_size"] = 32, ["unet_depth"] = 2, ["unet_base_filters"] = 8,
                 })
            request.Parameters.Add(new ParameterValue { Name = parameter, Value = value.ToString(CultureInfo.InvariantCulture) });
        return (await user.Jobs.SubmitTrainingAsync(request)).Job;
    }

    [Fact]
    public async Task Others_cannot_cancel_a_job_but_an_admin_can()
    {
        // Long enough that it is still running when bob and root act.
        var job = await SubmitTraining(Alice, "alice-long", epochs: 5000);
        Assert.Equal("alice", job.Owner);

        await Denied("alice", async () => await Bob.Jobs.CancelJobAsync(new CancelJobRequest { JobId = job.Id }));
        var still = (await Bob.Jobs.GetJobAsync(new GetJobRequest { JobId = job.Id })).Job;
        Assert.True(still.State is JobState.Queued or JobState.Running, $"bob's refused cancel changed the job: {still.State}");

        await Root.Jobs.CancelJobAsync(new CancelJobRequest { JobId = job.Id });
        var events = await Root.Jobs.WatchToEndAsync(job.Id, TimeSpan.FromMinutes(2));
        Assert.Equal(JobState.Cancelled, events.Last().State);
    }

    [Fact]
    public async Task Others_cannot_delete_a_model_but_an_admin_can()
    {
        var job = await SubmitTraining(Alice, "alice-model", epochs: 1);
        var events = await Alice.Jobs.WatchToEndAsync(job.Id, TimeSpan.FromMinutes(2));
        Assert.True(events.Last().State == JobState.Succeeded, GrpcClients.Describe(events));
        var model = (await Bob.Models.GetModelAsync(new GetModelRequest { ModelId = job.ModelId })).Model;
        Assert.Equal("alice", model.Owner);

        await Denied("alice", async () => await Bob.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = model.Id }));
        // Quality control rewrites the model's QC report and thresholds, so it is the owner's too.
        var bobsData = await PairedDataset(Bob, "bob-qc");
        await Denied("alice", async () => await Bob.Jobs.SubmitQualityControlAsync(
            new SubmitQualityControlRequest { ModelId = model.Id, DatasetId = bobsData.Id }));
        Assert.True((await Bob.Models.GetModelAsync(new GetModelRequest { ModelId = model.Id })).Model.Ready);

        await Root.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = model.Id });
        Assert.DoesNotContain((await Alice.Models.ListModelsAsync(new ListModelsRequest())).Models, m => m.Id == model.Id);
    }

    [Fact]
    public async Task Lists_show_everyone_s_items_with_their_owner_and_filter_by_owner_or_mine()
    {
        var alices = await Alice.Datasets.CreateDatasetAsync("alice-list", DatasetKind.Images);
        var bobs = await Bob.Datasets.CreateDatasetAsync("bob-list", DatasetKind.Images);

        var all = (await Alice.Datasets.ListDatasetsAsync(new ListDatasetsRequest())).Datasets;
        Assert.Contains(all, d => d.Id == alices.Id && d.Owner == "alice");
        Assert.Contains(all, d => d.Id == bobs.Id && d.Owner == "bob");

        var mine = (await Alice.Datasets.ListDatasetsAsync(new ListDatasetsRequest { Mine = true })).Datasets;
        Assert.NotEmpty(mine);
        Assert.All(mine, d => Assert.Equal("alice", d.Owner));
        Assert.Contains(mine, d => d.Id == alices.Id);

        var ofBob = (await Alice.Datasets.ListDatasetsAsync(new ListDatasetsRequest { Owner = "bob" })).Datasets;
        Assert.Contains(ofBob, d => d.Id == bobs.Id);
        Assert.All(ofBob, d => Assert.Equal("bob", d.Owner));

        Assert.All((await Bob.Jobs.ListJobsAsync(new ListJobsRequest { Mine = true })).Jobs, j => Assert.Equal("bob", j.Owner));
        Assert.All((await Bob.Models.ListModelsAsync(new ListModelsRequest { Owner = "alice" })).Models, m => Assert.Equal("alice", m.Owner));
    }
}

/// <summary>Auth settings are checked when the server starts; a bad one stops it with a message naming the field.</summary>
public class AccessTokenSettingsTests
{
    private static async Task<WebApplication> StartAsync(string directory, IEnumerable<string> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var app = ServerHost.Build(["--Server:Port=0", $"--Engine:DataDirectory={directory}", "--Logging:LogLevel:Default=None", .. settings], configure);
        await app.StartAsync();
        return app;
    }

    [Theory]
    [InlineData("Auth:Users:0:Token (user 'alice') must be at least 16 characters long",
        "--Auth:Users:0:Name=alice", "--Auth:Users:0:Token=short")]
    [InlineData("Auth:Users:Token is the same for users 'alice', 'bob'",
        "--Auth:Users:0:Name=alice", "--Auth:Users:0:Token=same-token-0123456789", "--Auth:Users:1:Name=bob", "--Auth:Users:1:Token=same-token-0123456789")]
    [InlineData("Auth:Users:Name 'alice' appears more than once",
        "--Auth:Users:0:Name=alice", "--Auth:Users:0:Token=first-token-0123456789", "--Auth:Users:1:Name=alice", "--Auth:Users:1:Token=second-token-0123456789")]
    [InlineData("Auth:Users:0:Name '../etc' must be 1 to 64 letters",
        "--Auth:Users:0:Name=../etc", "--Auth:Users:0:Token=a-long-enough-token-123")]
    [InlineData("Auth:Users:0:Token (user 'alice') must be at least 16",
        "--Auth:Users:0:Name=alice")]
    [InlineData("Auth:TokensFile '/no/such/tokens.json' cannot be read",
        "--Auth:TokensFile=/no/such/tokens.json")]
    public async Task Bad_auth_settings_stop_the_server_at_start(string message, params string[] settings)
    {
        var directory = TempDirectory.Create("dl4mic-auth-test");
        try
        {
            var e = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
            {
                await using var app = await StartAsync(directory, settings);
            });
            Assert.Contains(message, e.Message);
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    [Fact]
    public async Task A_tokens_file_adds_its_users()
    {
        var directory = TempDirectory.Create("dl4mic-auth-test");
        try
        {
            var file = Path.Combine(directory, "tokens.json");
            File.WriteAllText(file, """
                { "users": [
                    { "name": "carol", "token": "carol-token-0123456789" },
                    { "name": "dave", "token": "dave-token-0123456789", "admin": true } ] }
                """);
            await using var app = await StartAsync(directory, [$"--Auth:TokensFile={file}"]);
            using var channel = GrpcClients.CreateChannel(ServerHost.BoundAddress(app));
            var info = await new Protos.V1.ServerInfo.ServerInfoClient(channel.WithToken("dave-token-0123456789")).GetServerInfoAsync(new GetServerInfoRequest());
            Assert.Equal(("dave", true, true), (info.User, info.Admin, info.AccessTokenRequired));
            var e = await Assert.ThrowsAsync<RpcException>(async () =>
                await new Protos.V1.ServerInfo.ServerInfoClient(channel).GetServerInfoAsync(new GetServerInfoRequest()));
            Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
            await app.StopAsync();
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    [Theory]
    [InlineData("0.0.0.0", true)]
    [InlineData("127.0.0.1", false)]
    public async Task Listening_beyond_loopback_without_tokens_logs_a_warning(string host, bool warned)
    {
        var directory = TempDirectory.Create("dl4mic-auth-test");
        var logs = new RecordingLoggerProvider();
        try
        {
            await using (var app = await StartAsync(directory, [$"--Server:Host={host}", "--Logging:LogLevel:ZeroCostDL4Mic=Warning"],
                             builder => builder.Logging.AddProvider(logs)))
            {
                var info = await new Protos.V1.ServerInfo.ServerInfoClient(GrpcClients.CreateChannel(ServerHost.BoundAddress(app)))
                    .GetServerInfoAsync(new GetServerInfoRequest());
                Assert.Equal(("local", false), (info.User, info.AccessTokenRequired));
                await app.StopAsync();
            }
            Assert.Equal(warned, logs.Messages.Any(m => m.Contains("no access tokens are configured", StringComparison.Ordinal)));
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    [Theory]
    [InlineData("0.0.0.0", true)]
    [InlineData("127.0.0.1", false)]
    public async Task Tokens_beyond_loopback_without_tls_log_a_clear_text_warning(string host, bool warned)
    {
        var directory = TempDirectory.Create("dl4mic-auth-test");
        var logs = new RecordingLoggerProvider();
        try
        {
            await using (var app = await StartAsync(directory,
                             [$"--Server:Host={host}", "--Auth:Users:0:Name=alice", "--Auth:Users:0:Token=alice-token-0123456789", "--Logging:LogLevel:ZeroCostDL4Mic=Warning"],
                             builder => builder.Logging.AddProvider(logs)))
                await app.StopAsync();
            Assert.Equal(warned, logs.Messages.Any(m => m.Contains("cross the network in clear text", StringComparison.Ordinal)));
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();
        public ILogger CreateLogger(string categoryName) => new Recorder(Messages);
        public void Dispose() { }

        private sealed class Recorder(System.Collections.Concurrent.ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}
