using Microsoft.Extensions.Options;

namespace ZeroCostDL4Mic.Server.Tests;

public class ServerHostTests
{
    [Fact]
    public async Task Localhost_with_port_0_binds_a_free_loopback_port()
    {
        var directory = TempDirectory.Create("dl4mic-host-test");
        try
        {
            await using var app = ServerHost.Build(["--Server:Host=localhost", "--Server:Port=0", $"--Engine:DataDirectory={directory}", "--Logging:LogLevel:Default=None"]);
            await app.StartAsync();
            var address = ServerHost.BoundAddress(app);
            Assert.Equal("127.0.0.1", address.Host);
            using var channel = GrpcClients.CreateChannel(address);
            var info = await new Protos.V1.ServerInfo.ServerInfoClient(channel).GetServerInfoAsync(new Protos.V1.GetServerInfoRequest());
            Assert.Equal("cpu", info.Device);
            await app.StopAsync();
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    [Theory]
    [InlineData("--Server:Host=not-an-address", "Server:Host 'not-an-address' is not an IP address or 'localhost'")]
    [InlineData("--Server:ChunkBytes=9000000", "Server:ChunkBytes (9000000) must be at least 4096 bytes below Server:MaxMessageBytes (8388608)")]
    [InlineData("--Server:Port=70000", "Port")]
    public async Task Bad_settings_stop_the_server_at_start(string setting, string message)
    {
        var directory = TempDirectory.Create("dl4mic-host-test");
        try
        {
            // Kestrel reads the options while the app is built, the rest on start: either way nothing listens.
            var e = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
            {
                await using var app = ServerHost.Build(["--Server:Port=0", $"--Engine:DataDirectory={directory}", "--Logging:LogLevel:Default=None", setting]);
                await app.StartAsync();
            });
            Assert.Contains(message, e.Message);
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }
}
