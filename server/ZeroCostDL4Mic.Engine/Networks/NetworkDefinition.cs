using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Export.BioImageIo;
using ZeroCostDL4Mic.Engine.Export.Onnx;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Imaging.Instances;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks;

/// <summary>One training sample: a source image and, for supervised networks, its target (clean image or mask).</summary>
public sealed record TrainingSample(string Name, ImageData Source, ImageData? Target);

/// <summary>How a network's QC compares predictions with ground truth.</summary>
public enum QcKind { ImageToImage, BinarySegmentation, InstanceSegmentation }

/// <summary>A plane normalised for the network and the affine map back: original = value * Scale + Offset.</summary>
public sealed record NormalizedPlane(float[] Pixels, float Offset, float Scale);

/// <summary>One finished output plane of a prediction; instance segmentations also list their objects.</summary>
public sealed record OutputPlane(OutputKind Kind, float[] Pixels, PixelType PixelType, IReadOnlyList<DetectedObject>? Objects = null);

/// <summary>
/// The blended network output of one plane: Channels planes of Height×Width, channel-major. For a network with an
/// output grid g the planes are at grid resolution, ceil(H/g)×ceil(W/g), cell (i, j) covering pixel (i·g, j·g).
/// </summary>
public sealed record BlendedOutput(float[] Pixels, int Channels, int Height, int Width)
{
    public ReadOnlySpan<float> Channel(int c) => Pixels.AsSpan(c * Height * Width, Height * Width);
}

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

    /// <summary>
    /// Turns the raw network output of a tile into the channels blended across tiles: one for most networks,
    /// several for StarDist (probability and ray distances), which <see cref="FinishChannels"/> then receives.
    /// </summary>
    public virtual Tensor InferenceHead(Tensor rawOutput) => rawOutput.narrow(1, 0, 1);

    /// <summary>The ONNX form of <see cref="InferenceHead"/>; an override of one needs the other.</summary>
    public virtual string ExportInferenceHead(OnnxGraphBuilder graph, string rawOutput) => graph.SliceChannels(rawOutput, 0, 1);

    /// <summary>
    /// The bioimage.io form of Normalize and Finish for an exported model. The default suits networks that
    /// normalise with PlaneNormalization.Percentile and whose output needs no post-processing.
    /// </summary>
    public virtual ExportProcessing DescribeExport(IReadOnlyDictionary<string, string> state, bool binarize) => new(
        new ProcessingStep[] { PercentileStep(state) }, Array.Empty<ProcessingStep>(),
        "network output for the normalised input", "output", null,
        "The input is normalised per image with the same percentiles as on the server.", Array.Empty<string>());

    /// <summary>PlaneNormalization.Percentile as bioimage.io's scale_range (same percentiles, same 1e-20 epsilon).</summary>
    protected static ScaleRange PercentileStep(IReadOnlyDictionary<string, string> state) =>
        new(PlaneNormalization.Get(state, "percentile_low", 1), PlaneNormalization.Get(state, "percentile_high", 99.8), 1e-20);

    /// <summary>
    /// The factor by which the network's outputs are coarser than its input (StarDist's grid); 1 = same size.
    /// With g &gt; 1 the predictor pads planes at the end only and keeps tiles on multiples of g, so cells stay aligned.
    /// </summary>
    public virtual int OutputGrid(ParameterSet parameters) => 1;

    /// <summary>Normalises plane <paramref name="plane"/> of an image; by default each plane on its own.</summary>
    public virtual NormalizedPlane NormalizePlane(ImageData image, int plane, IReadOnlyDictionary<string, string> state) =>
        Normalize(image.Plane(plane).Span, state);

    /// <summary>
    /// Builds the user-facing outputs of one plane of height×width from every blended channel; by default
    /// <see cref="Finish"/> on the first (and usually only) channel.
    /// </summary>
    public virtual IReadOnlyList<OutputPlane> FinishChannels(BlendedOutput blended, NormalizedPlane input, int height, int width,
        IReadOnlyDictionary<string, string> state, double threshold) =>
        Finish(blended.Channels == 1 ? blended.Pixels : blended.Channel(0).ToArray(), input, state, threshold);

    /// <summary>
    /// Runs after a training finished, with the best weights loaded, and returns state entries to store with the
    /// model (StarDist optimises its thresholds here). The default does nothing.
    /// </summary>
    public virtual IReadOnlyDictionary<string, string> AfterTraining(Inference.LoadedModel trained, IReadOnlyList<TrainingSample> samples,
        int tileSize, Action<string> log, CancellationToken cancellation) => new Dictionary<string, string>();

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
