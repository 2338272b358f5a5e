using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Networks.Care;
using ZeroCostDL4Mic.Engine.Networks.Noise2Void;
using ZeroCostDL4Mic.Engine.Networks.StarDist;
using ZeroCostDL4Mic.Engine.Networks.UNet;

namespace ZeroCostDL4Mic.Engine.Networks;

/// <summary>Every network the server offers; adding one is one line here.</summary>
public sealed class NetworkRegistry : INetworkCatalog
{
    readonly Dictionary<string, NetworkDefinition> networks = new NetworkDefinition[]
    {
        new CareNetwork(),
        new Noise2VoidNetwork(),
        new UNetNetwork(),
        new StarDistNetwork(),
    }.ToDictionary(n => n.Key, StringComparer.Ordinal);

    public NetworkDefinition Definition(string key) =>
        networks.TryGetValue(key, out var definition) ? definition : throw new NotFoundException("network", key);

    public IReadOnlyList<NetworkInfo> List() => networks.Values.Select(n => n.Info).ToList();

    public NetworkInfo Get(string key) => Definition(key).Info;
}
