using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Export.BioImageIo;

/// <summary>
/// An imported bioimage.io package as a prediction-only network: its declared pre-processing on the whole plane
/// (as DeepImageJ does before tiling), ONNX Runtime on each tile, its post-processing on the blended plane.
/// Not in the NetworkRegistry: it exists once per imported model.
/// </summary>
public sealed class ImportedNetwork(PackageDescription package) : NetworkDefinition
{
    public const string NetworkKey = "bioimageio-onnx";
    public const string WeightsFile = "weights.onnx";
    public const string PackageFile = "bioimageio.zip";
    public const string RdfFile = "rdf.yaml";

    public static bool IsImported(ModelConfig config) => config.Network == NetworkKey;

    /// <summary>Reads the rdf.yaml kept in an imported model's folder.</summary>
    public static ImportedNetwork Load(ModelFolder folder) => new(PackageReader.Parse(folder.ReadText(RdfFile), out _));

    public PackageDescription Package { get; } = package;

    public override NetworkInfo Info { get; } = new(NetworkKey, "Imported bioimage.io model (ONNX)",
        package.Description.Length > 0 ? package.Description : package.Name, DatasetKind.Images,
        Array.Empty<ParameterSpec>(), new[] { Kind(package).ToString().ToLowerInvariant() }, Array.Empty<string>(), "");

    public override IReadOnlyCollection<string> ArchitectureParameters => Array.Empty<string>();

    public override nn.Module<Tensor, Tensor> Build(ParameterSet parameters) =>
        throw new PreconditionFailedException($"imported model '{Package.Name}' is prediction-only (ONNX weights, no TorchSharp network)");

    public override int Divisor(ParameterSet parameters) => Math.Max(1, Package.Step);

    public override int DefaultTileOverlap(ParameterSet parameters) => Package.Halo > 0 ? Package.Halo : 32;

    public override TrainingPlan PrepareTraining(ParameterSet parameters, IReadOnlyList<TrainingSample> samples, Action<string> log) =>
        throw new PreconditionFailedException($"imported model '{Package.Name}' is prediction-only and cannot be trained further");

    public override QcKind QcKind => Kind(Package) == OutputKind.Restored ? QcKind.ImageToImage : QcKind.BinarySegmentation;

    public override NormalizedPlane Normalize(ReadOnlySpan<float> plane, IReadOnlyDictionary<string, string> state)
    {
        var pixels = plane.ToArray();
        foreach (var step in Package.Preprocessing) step.Apply(pixels, new long[] { 1, 1, 1, pixels.Length });
        return new NormalizedPlane(pixels, 0, 1);
    }

    public override IReadOnlyList<OutputPlane> Finish(float[] blended, NormalizedPlane input, IReadOnlyDictionary<string, string> state, double threshold)
    {
        var pixels = (float[])blended.Clone();
        foreach (var step in Package.Postprocessing) step.Apply(pixels, new long[] { 1, 1, 1, pixels.Length });
        var kind = Kind(Package);
        if (kind == OutputKind.Mask)
        {
            for (int i = 0; i < pixels.Length; i++) pixels[i] = pixels[i] > 0 ? 255f : 0f; // the server's masks are 0/255
            return new[] { new OutputPlane(kind, pixels, PixelType.UInt8) };
        }
        return new[] { new OutputPlane(kind, pixels, PixelType.Float32) };
    }

    /// <summary>A binarize step makes a mask, a [0, 1] output range a probability, anything else a restored image.</summary>
    static OutputKind Kind(PackageDescription package) =>
        package.Postprocessing.LastOrDefault() is Binarize ? OutputKind.Mask
        : package.OutputRange is (0, 1) ? OutputKind.Probability : OutputKind.Restored;
}
