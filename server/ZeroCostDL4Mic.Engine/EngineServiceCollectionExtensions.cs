using Microsoft.Extensions.DependencyInjection;

namespace ZeroCostDL4Mic.Engine;

public static partial class EngineServiceCollectionExtensions
{
}
