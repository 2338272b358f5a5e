namespace ZeroCostDL4Mic.Engine.Api;

public enum ExportFormat { BioImageIo, Onnx }

/// <summary>
/// What to export: the ONNX graph alone or a bioimage.io package (rdf format "0.5" or "0.4"); U-Net packages can
/// output the mask at the QC threshold instead of the probability; authors and licence go into rdf.yaml.
/// </summary>
public sealed record ModelExportRequest(
    string ModelId, ExportFormat Format = ExportFormat.BioImageIo, string BioImageIoFormatVersion = "0.5",
    WeightsChoice Weights = WeightsChoice.Best, bool Binarize = false, IReadOnlyList<string>? Authors = null, string? License = null);

/// <summary>An exported file, small enough (a few MB) to hold in memory.</summary>
public sealed record ExportedModel(string FileName, byte[] Content);

public interface IModelExporter
{
    /// <summary>NotFound / PreconditionFailed when the model is not usable; UnmappedLayerException when a layer has no ONNX form.</summary>
    ExportedModel Export(ModelExportRequest request);
}

public interface IModelImporter
{
    /// <summary>
    /// Registers a bioimage.io package with ONNX weights as a prediction-only model. A package without rdf.yaml,
    /// with a malformed rdf.yaml, a missing file or a wrong sha256 is refused with InvalidInputException naming it.
    /// </summary>
    ModelView Import(string fileName, byte[] package, Caller caller);
}
