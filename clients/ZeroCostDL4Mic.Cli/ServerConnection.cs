using Grpc.Core;
using Grpc.Core.Interceptors;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli;

/// <summary>One channel to the server and the generated clients on it; the access token, if any, goes with every call.</summary>
public sealed class ServerConnection : IDisposable
{
    // Images and files travel in 1 MiB chunks; the limit leaves room for large metadata (QC reports, listings).
    private const int MessageLimitBytes = 64 * 1024 * 1024;

    private readonly GrpcChannel _channel;

    /// <param name="trusted">A certificate to trust for https:// besides the system's (a private CA or a self-signed server).</param>
    public ServerConnection(Uri address, string? token = null, X509Certificate2? trusted = null)
    {
        Address = address;
        var options = new GrpcChannelOptions
        {
            MaxReceiveMessageSize = MessageLimitBytes,
            MaxSendMessageSize = MessageLimitBytes,
        };
        if (trusted is not null)
            options.HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedCertificates.Accept(trusted, certificate, errors),
                },
            };
        _channel = GrpcChannel.ForAddress(address, options);
        // A header rather than CallCredentials: those are refused on plain http, which a LAN server uses.
        var calls = token is null ? _channel.CreateCallInvoker() : _channel.Intercept(headers =>
        {
            headers.Add("authorization", $"Bearer {token}");
            return headers;
        });
        ServerInfo = new ServerInfo.ServerInfoClient(calls);
        Datasets = new Datasets.DatasetsClient(calls);
        Networks = new Networks.NetworksClient(calls);
        Jobs = new Jobs.JobsClient(calls);
        Models = new Models.ModelsClient(calls);
        Inference = new Inference.InferenceClient(calls);
    }

    public Uri Address { get; }
    public ServerInfo.ServerInfoClient ServerInfo { get; }
    public Datasets.DatasetsClient Datasets { get; }
    public Networks.NetworksClient Networks { get; }
    public Jobs.JobsClient Jobs { get; }
    public Models.ModelsClient Models { get; }
    public Inference.InferenceClient Inference { get; }

    public void Dispose() => _channel.Dispose();
}
