using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks;

/// <summary>One training sample: a source image and, for supervised networks, its target (clean image or mask).</summary>
public sealed record TrainingSample(string Name, ImageData Source, ImageData? Target);

/// <summary>How a network's QC compares predictions with ground truth.</summary>
public enum QcKind { ImageToImage, BinarySegmentation }

/// <summary>A plane normalised for the network and the affine map back: original = value * Scale + Offset.</summary>
public sealed record NormalizedPlane(float[] Pixels, float Offset, float Scale);

/// <summary>One finished output plane of a prediction.</summary>
public sealed record OutputPlane(OutputKind Kind, float[] Pixels, PixelType PixelType);

/// <summary>
/// The one plug-in point of a network: schema and defaults, builder, data pipeline and loss (via the
/// training plan), prediction pre/post-processing and the QC kind. Registering it in NetworkRegistry is
/// all it takes to expose it over gRPC.
/// </summary>
public abstract class NetworkDefinition
{
    public abstract NetworkInfo Info { get; }

    public string Key => Info.Key;

    /// <summary>Parameters that fix the architecture; taken from the base model in transfer learning.</summary>
    public abstract IReadOnlyCollection<string> ArchitectureParameters { get; }

    /// <summary>Cross-field checks beyond each parameter's range (e.g. patch size divisible by 2^depth).</summary>
    public virtual IEnumerable<FieldViolation> Validate(ParameterSet parameters) => Array.Empty<FieldViolation>();

    public ParameterSet ResolveParameters(IReadOnlyDictionary<string, string> given)
    {
        var set = ParameterSet.Resolve(Info.Parameters, given);
        var violations = Validate(set).ToList();
        if (violations.Count > 0)
            throw new InvalidInputException(
                "invalid parameters: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")), violations);
        return set;
    }

    public abstract nn.Module<Tensor, Tensor> Build(ParameterSet parameters);

    /// <summary>Input height and width must be multiples of this (2^depth).</summary>
    public abstract int Divisor(ParameterSet parameters);

    /// <summary>Tile overlap in pixels that hides the receptive-field border (csbdeep's tile_overlap table).</summary>
    public abstract int DefaultTileOverlap(ParameterSet parameters);

    public abstract TrainingPlan PrepareTraining(ParameterSet parameters, IReadOnlyList<TrainingSample> samples, Action<string> log);

    public abstract QcKind QcKind { get; }

    /// <summary>Normalises one input plane the way training did (state holds stored statistics).</summary>
    public abstract NormalizedPlane Normalize(ReadOnlySpan<float> plane, IReadOnlyDictionary<string, string> state);

    /// <summary>Turns the raw network output of a tile into the single channel that is blended across tiles.</summary>
    public virtual Tensor InferenceHead(Tensor rawOutput) => rawOutput.narrow(1, 0, 1);

    /// <summary>Builds the user-facing outputs from the blended plane.</summary>
    public abstract IReadOnlyList<OutputPlane> Finish(float[] blended, NormalizedPlane input, IReadOnlyDictionary<string, string> state, double threshold);

    /// <summary>csbdeep's tile_overlap table for pool 2, indexed by (depth, kernel).</summary>
    protected static int CsbDeepOverlap(int depth, int kernel)
    {
        int[,] table = { { 9, 17 }, { 22, 43 }, { 46, 92 }, { 94, 188 }, { 190, 380 } };
        int d = Math.Clamp(depth, 1, 5) - 1;
        return kernel <= 3 ? table[d, 0] : table[d, 1];
    }
}

/// <summary>
/// A network's training data, ready to cut batches from, and its loss. Tensors come back on the CPU;
/// the trainer moves them to the device.
/// </summary>
public abstract class TrainingPlan
{
    public abstract int TrainingPatchCount { get; }
    public abstract int ValidationPatchCount { get; }

    /// <summary>Steps per epoch when the user leaves 0: as the original notebook derives it.</summary>
    public abstract int DefaultStepsPerEpoch(int batchSize);

    public abstract (Tensor Input, Tensor Target) TrainingBatch(int batchSize, Random random);

    public abstract IEnumerable<(Tensor Input, Tensor Target)> ValidationBatches(int batchSize);

    public abstract Tensor Loss(Tensor output, Tensor target);

    /// <summary>Statistics stored with the model that prediction needs (normalisation, class weights).</summary>
    public virtual IReadOnlyDictionary<string, string> State => new Dictionary<string, string>();
}
