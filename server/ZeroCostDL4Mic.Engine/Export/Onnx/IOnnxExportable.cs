namespace ZeroCostDL4Mic.Engine.Export.Onnx;

/// <summary>
/// A composite module that writes its own forward pass as ONNX nodes (its forward mixes child layers with
/// functional ops, so walking the children alone cannot recover it). Leaf layers (Conv2d, BatchNorm2d, ...)
/// need no code in the network: OnnxLayerMappers covers them.
/// </summary>
public interface IOnnxExportable
{
    /// <summary>Adds this module's nodes after <paramref name="input"/> and returns the name of its output value.</summary>
    string ExportOnnx(OnnxGraphBuilder graph, string input);
}
