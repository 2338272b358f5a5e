namespace ZeroCostDL4Mic.Engine.Export.BioImageIo;

/// <summary>
/// What prediction needs from a bioimage.io model rdf: one single-channel (batch, channel, y, x) input and output,
/// the input sizes min + n*step, the output halo, the processing steps and where the ONNX weights are.
/// </summary>
public sealed record PackageDescription(
    string FormatVersion, string Id, string Name, string Description, int Min, int Step, int Halo,
    IReadOnlyList<ProcessingStep> Preprocessing, IReadOnlyList<ProcessingStep> Postprocessing,
    string WeightsSource, string? TestInput, string? TestOutput, (double Min, double Max)? OutputRange, string? SourceNetwork);
