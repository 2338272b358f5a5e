namespace ZeroCostDL4Mic.Engine;

/// <summary>Engine settings, bound from the "Engine" configuration section.</summary>
public sealed class EngineOptions
{
    public const string Section = "Engine";

    /// <summary>Folder holding metadata.db and all files; created when missing.</summary>
    public string DataDirectory { get; set; } = "dl4mic-data";

    /// <summary>"auto" (CUDA when available), "cpu" or "cuda".</summary>
    public string Device { get; set; } = "auto";

    /// <summary>Trainings that run at once on the device; more wait in the queue.</summary>
    public int MaxConcurrentTrainings { get; set; } = 1;

    /// <summary>Default prediction tile edge in pixels (memory is bounded by it, not by the image).</summary>
    public int DefaultTileSize { get; set; } = 512;

    /// <summary>Torch intra-op threads; 0 = LibTorch's default (all cores).</summary>
    public int TorchThreads { get; set; }

    /// <summary>
    /// What runs prediction tiles when a request says auto: "auto" (ONNX Runtime on the exported graph on the CPU, about
    /// twice TorchSharp's speed there in bench/, and TorchSharp on a CUDA device), "onnx" (always ONNX Runtime, with
    /// its CUDA provider when present) or "torch" (always TorchSharp). All give the same outputs within 1e-4.
    /// </summary>
    public string InferenceBackend { get; set; } = "auto";

    /// <summary>The configured default as the engine's enum; null when the setting is none of auto, onnx, torch.</summary>
    public Api.InferenceBackend? DefaultInferenceBackend => InferenceBackend.ToLowerInvariant() switch
    {
        "auto" => Api.InferenceBackend.Auto,
        "onnx" => Api.InferenceBackend.Onnx,
        "torch" => Api.InferenceBackend.Torch,
        _ => null,
    };
}
