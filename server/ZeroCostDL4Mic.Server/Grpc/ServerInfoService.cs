using System.Reflection;
using Grpc.Core;
using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Protos.V1;
using ZeroCostDL4Mic.Server.Interceptors;
using ZeroCostDL4Mic.Server.Options;

namespace ZeroCostDL4Mic.Server.Grpc;

public sealed class ServerInfoService(IDeviceInfo deviceInfo, AccessTokens tokens, IOptions<ServerOptions> options) : Protos.V1.ServerInfo.ServerInfoBase
{
    private static readonly string Version =
        typeof(ServerInfoService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ServerInfoService).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    public override Task<GetServerInfoResponse> GetServerInfo(GetServerInfoRequest request, ServerCallContext context)
    {
        var device = deviceInfo.Describe();
        var caller = context.Caller();
        return Task.FromResult(new GetServerInfoResponse
        {
            Version = Version,
            Device = device.Device,
            CudaAvailable = device.CudaAvailable,
            MaxImageBytes = options.Value.MaxImageBytes,
            MaxConcurrentTrainings = device.MaxConcurrentTrainings,
            AccessTokenRequired = tokens.Required,
            User = caller.Name,
            Admin = caller.IsAdmin,
        });
    }
}
