using Grpc.Core;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Protos.V1;
using ZeroCostDL4Mic.Server.Mapping;

namespace ZeroCostDL4Mic.Server.Grpc;

public sealed class NetworksService(INetworkCatalog networks) : Networks.NetworksBase
{
    public override Task<ListNetworksResponse> ListNetworks(ListNetworksRequest request, ServerCallContext context)
    {
        var response = new ListNetworksResponse();
        response.Networks.AddRange(networks.List().Select(n => n.ToProto()));
        return Task.FromResult(response);
    }
}
