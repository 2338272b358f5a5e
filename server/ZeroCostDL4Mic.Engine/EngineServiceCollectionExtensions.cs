using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Datasets;
using ZeroCostDL4Mic.Engine.Devices;
using ZeroCostDL4Mic.Engine.Export;
using ZeroCostDL4Mic.Engine.Inference;
using ZeroCostDL4Mic.Engine.Jobs;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Storage;

namespace ZeroCostDL4Mic.Engine;

public static class EngineServiceCollectionExtensions
{
    /// <summary>Registers the engine: options from "Engine", storage, networks, catalogs, prediction and the job queue.</summary>
    public static IServiceCollection AddZeroCostEngine(this IServiceCollection services)
    {
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory), "Engine:DataDirectory must be set")
            .Validate(o => o.MaxConcurrentTrainings >= 1, "Engine:MaxConcurrentTrainings must be at least 1")
            .Validate(o => o.DefaultTileSize >= 16, "Engine:DefaultTileSize must be at least 16")
            .Validate(o => o.DefaultInferenceBackend is not null, "Engine:InferenceBackend must be auto, onnx or torch")
            .ValidateOnStart();
        services.AddSingleton(sp => new DataStore(sp.GetRequiredService<IOptions<EngineOptions>>().Value.DataDirectory));
        services.AddSingleton<TorchDevices>();
        services.AddSingleton<IDeviceInfo>(sp => sp.GetRequiredService<TorchDevices>());
        services.AddSingleton<NetworkRegistry>();
        services.AddSingleton<INetworkCatalog>(sp => sp.GetRequiredService<NetworkRegistry>());
        services.AddSingleton<DatasetCatalog>();
        services.AddSingleton<IDatasetCatalog>(sp => sp.GetRequiredService<DatasetCatalog>());
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<IModelCatalog>(sp => sp.GetRequiredService<ModelCatalog>());
        services.AddSingleton<JobEventHub>();
        services.AddSingleton<JobExecutors>();
        services.AddSingleton<JobQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<JobQueue>());
        services.AddSingleton<JobService>();
        services.AddSingleton<IJobService>(sp => sp.GetRequiredService<JobService>());
        services.AddSingleton<ModelExporter>();
        services.AddSingleton<IModelExporter>(sp => sp.GetRequiredService<ModelExporter>());
        services.AddSingleton<ModelImporter>();
        services.AddSingleton<IModelImporter>(sp => sp.GetRequiredService<ModelImporter>());
        services.AddSingleton<ModelLoader>();
        services.AddSingleton<PredictionService>();
        services.AddSingleton<IPredictionService>(sp => sp.GetRequiredService<PredictionService>());
        return services;
    }
}
