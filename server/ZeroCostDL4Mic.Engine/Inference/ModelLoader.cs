using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Devices;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Export.BioImageIo;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;

namespace ZeroCostDL4Mic.Engine.Inference;

/// <summary>
/// Loads a usable model for prediction and QC: a trained network on the requested backend (auto = the server's
/// Engine:InferenceBackend), or an imported bioimage.io package on ONNX Runtime.
/// </summary>
public sealed class ModelLoader(NetworkRegistry networks, ModelCatalog models, TorchDevices devices, IOptions<EngineOptions> options)
{
    public LoadedModel Load(string modelId, ModelConfig config, string weightsPath, InferenceBackend backend = InferenceBackend.Auto)
    {
        bool cuda = devices.Device.type == TorchSharp.DeviceType.CUDA;
        if (ImportedNetwork.IsImported(config))
        {
            if (backend == InferenceBackend.Torch)
                throw new InvalidInputException("backend", "imported bioimage.io models run on ONNX Runtime only (backend onnx or auto)");
            var imported = ImportedNetwork.Load(models.Folder(modelId));
            return new LoadedModel(imported, config, new OnnxTileForward(File.ReadAllBytes(weightsPath), cuda, TorchSharp.torch.get_num_threads(), imported.Package.Min));
        }
        var resolved = backend != InferenceBackend.Auto ? backend : options.Value.DefaultInferenceBackend ?? InferenceBackend.Auto;
        return new LoadedModel(networks.Definition(config.Network), config, weightsPath, devices.Device, resolved);
    }
}
