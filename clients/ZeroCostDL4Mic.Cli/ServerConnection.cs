using Grpc.Net.Client;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli;

/// <summary>One channel to the server and the generated clients on it.</summary>
public sealed class ServerConnection : IDisposable
{
    // Images and files travel in 1 MiB chunks; the limit leaves room for large metadata (QC reports, listings).
    private const int MessageLimitBytes = 64 * 1024 * 1024;

    private readonly GrpcChannel _channel;

    public ServerConnection(Uri address)
    {
        Address = address;
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = MessageLimitBytes,
            MaxSendMessageSize = MessageLimitBytes,
        });
        ServerInfo = new ServerInfo.ServerInfoClient(_channel);
        Datasets = new Datasets.DatasetsClient(_channel);
        Networks = new Networks.NetworksClient(_channel);
        Jobs = new Jobs.JobsClient(_channel);
        Models = new Models.ModelsClient(_channel);
        Inference = new Inference.InferenceClient(_channel);
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
