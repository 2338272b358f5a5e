using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Cli.Hosting;
using ZeroCostDL4Mic.Protos.V1;
using ZeroCostDL4Mic.Server;

namespace ZeroCostDL4Mic.Cli.Tests;

/// <summary>A server with a (self-signed) certificate serves https://; dl4mic trusts it only when told to, and only for its host.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly TempFolder _folders = new();

    /// <summary>A self-signed server certificate for <paramref name="dnsName"/> (and 127.0.0.1 when it is localhost), as PEM files.</summary>
    private (string Certificate, string Key) SelfSigned(string dnsName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        if (dnsName == "localhost") names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var folder = _folders.Create($"tls-{dnsName}");
        var (certificatePath, keyPath) = (Path.Combine(folder, "server.crt"), Path.Combine(folder, "server.key"));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    private async Task<WebApplication> StartAsync(params string[] tls)
    {
        var app = ServerHost.Build(
            ["--Server:Host", "127.0.0.1", "--Server:Port", "0", "--Engine:DataDirectory", _folders.Create("data"), "--Engine:Device", "cpu", .. tls],
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task Https_works_with_the_servers_certificate_trusted_and_not_without_it()
    {
        var (certificate, key) = SelfSigned("localhost");
        await using var app = await StartAsync("--Server:TlsCertificate", certificate, "--Server:TlsKey", key);
        var address = ServerHost.BoundAddress(app);
        Assert.Equal("https", address.Scheme);
        var https = $"https://127.0.0.1:{address.Port}";

        var trusted = await CliRun.RunAsync("info", "--server", https, "--ca-certificate", certificate, "--json");
        Assert.True(trusted.ExitCode == 0, trusted.ToString());
        Assert.False(string.IsNullOrEmpty((string?)trusted.Json()["version"]), trusted.ToString());

        var untrusted = await CliRun.RunAsync("info", "--server", https);
        Assert.True(untrusted.ExitCode == ExitCodes.ServerUnreachable, untrusted.ToString());
        Assert.Contains("does not trust", untrusted.Stderr);
        Assert.Contains("--ca-certificate", untrusted.Stderr);

        // Plain HTTP/2 to the TLS port gets nowhere.
        var plain = await CliRun.RunAsync("info", "--server", $"http://127.0.0.1:{address.Port}", "--ca-certificate", certificate);
        Assert.NotEqual(0, plain.ExitCode);
    }

    [Fact]
    public async Task A_trusted_certificate_for_another_host_is_still_refused()
    {
        var (certificate, key) = SelfSigned("other.example");
        await using var app = await StartAsync("--Server:TlsCertificate", certificate, "--Server:TlsKey", key);
        var run = await CliRun.RunAsync("info", "--server", $"https://127.0.0.1:{ServerHost.BoundAddress(app).Port}", "--ca-certificate", certificate);
        Assert.Equal(ExitCodes.ServerUnreachable, run.ExitCode);
    }

    [Fact]
    public async Task The_in_process_server_of_serve_calls_itself_over_tls()
    {
        var (certificate, key) = SelfSigned("localhost");
        await using var server = await InProcessServer.StartAsync(
            new InProcessServerSettings(_folders.Create("serve-data"), Device: "cpu", MinimumLogLevel: LogLevel.Warning, TlsCertificate: certificate, TlsKey: key),
            CancellationToken.None);
        Assert.Equal("https", server.Address.Scheme);
        using var connection = new ServerConnection(server.Address, trusted: server.Certificate);
        var info = await connection.ServerInfo.GetServerInfoAsync(new GetServerInfoRequest());
        Assert.False(string.IsNullOrEmpty(info.Version));
    }

    [Theory]
    [InlineData("key-only", "Server:TlsKey is set but Server:TlsCertificate is not")]
    [InlineData("missing", "does not exist")]
    [InlineData("not-a-certificate", "cannot serve TLS")]
    public async Task Bad_tls_settings_stop_the_server_at_start_with_the_setting_named(string setting, string expected)
    {
        var junk = Path.Combine(_folders.Create($"bad-{setting}"), "junk.pem");
        File.WriteAllText(junk, "not a certificate");
        string[] args = setting switch
        {
            "key-only" => ["--Server:TlsKey", junk],
            "missing" => ["--Server:TlsCertificate", junk + ".absent", "--Server:TlsKey", junk],
            _ => ["--Server:TlsCertificate", junk, "--Server:TlsKey", junk],
        };
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(args));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task A_ca_certificate_that_is_not_a_certificate_is_a_usage_error()
    {
        var junk = Path.Combine(_folders.Create("junk-ca"), "ca.pem");
        File.WriteAllText(junk, "not a certificate");
        var run = await CliRun.RunAsync("info", "--server", "https://127.0.0.1:1", "--ca-certificate", junk);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("is not a PEM or DER certificate", run.Stderr);
    }

    public void Dispose() => _folders.Dispose();
}
