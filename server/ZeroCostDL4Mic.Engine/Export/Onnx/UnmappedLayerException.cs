using ZeroCostDL4Mic.Engine.Errors;

namespace ZeroCostDL4Mic.Engine.Export.Onnx;

/// <summary>A layer of the model has no ONNX mapping, so the model cannot be exported (gRPC FAILED_PRECONDITION).</summary>
public sealed class UnmappedLayerException(string layerType, string path)
    : EngineException($"cannot export to ONNX: layer type '{layerType}' at '{path}' has no ONNX mapping")
{
    public string LayerType { get; } = layerType;
    public string LayerPath { get; } = path;
}
