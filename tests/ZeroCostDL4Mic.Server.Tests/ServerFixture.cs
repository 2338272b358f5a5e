using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with an ephemeral port and its own temporary data directory,
/// built exactly as `dl4mic serve` builds it, and a real gRPC channel to it.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    public string DataDirectory { get; } = TempDirectory.Create("dl4mic-server-test");
    public WebApplication App { get; private set; } = null!;
    public Uri Address { get; private set; } = null!;
    public GrpcChannel Channel { get; private set; } = null!;

    public Datasets.DatasetsClient Datasets => new(Channel);
    public Jobs.JobsClient Jobs => new(Channel);
    public Models.ModelsClient Models => new(Channel);
    public Networks.NetworksClient Networks => new(Channel);
    public Inference.InferenceClient Inference => new(Channel);
    public Protos.V1.ServerInfo.ServerInfoClient ServerInfo => new(Channel);

    /// <summary>Extra configuration for this fixture's server, e.g. --Server:MaxImageBytes=100000.</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>Last chance to change the host (add or replace services) before it is built.</summary>
    protected virtual void Configure(WebApplicationBuilder builder) { }

    public virtual async Task InitializeAsync()
    {
        string[] args =
        [
            "--Server:Port=0",
            $"--Engine:DataDirectory={DataDirectory}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            // One LibTorch thread: on a shared 2-core machine more threads spin-wait on each other.
            "--Engine:TorchThreads=1",
            .. ExtraArguments,
        ];
        App = ServerHost.Build(args, Configure);
        await App.StartAsync();
        Address = ServerHost.BoundAddress(App);
        Channel = GrpcClients.CreateChannel(Address);
    }

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        TempDirectory.Delete(DataDirectory);
    }
}

public static class TempDirectory
{
    public static string Create(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (IOException) { } // a file still held open by a dying process: the OS temp cleaner gets it
        catch (UnauthorizedAccessException) { }
    }
}
