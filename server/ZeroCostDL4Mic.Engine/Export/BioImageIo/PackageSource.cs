using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Export.BioImageIo;

/// <summary>Everything a bioimage.io package is made from: the trained network, its record, and an image to test it on.</summary>
public sealed record PackageSource(
    NetworkDefinition Network, ParameterSet Parameters, ModelConfig Config, nn.Module<Tensor, Tensor> Module,
    string ModelId, string ModelName, DateTimeOffset CreatedAt, string TrainingData,
    IReadOnlyList<HistoryRow> History, QcReport? Qc, IReadOnlyList<PackageFigure> Figures, ImageData TestImage);

/// <summary>A QC or training figure (PNG) attached to the package and shown in its README.</summary>
public sealed record PackageFigure(string FileName, string Caption, byte[] Png);

/// <summary>Choices of the package: rdf format ("0.5" or "0.4"), U-Net mask instead of probability, authors, licence.</summary>
public sealed record PackageOptions(string FormatVersion = "0.5", bool Binarize = false, IReadOnlyList<string>? Authors = null, string? License = null)
{
    public const string DefaultLicense = "CC-BY-4.0";
}
