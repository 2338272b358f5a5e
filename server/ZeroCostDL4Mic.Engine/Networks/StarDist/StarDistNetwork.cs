using System.Globalization;
using System.Runtime.CompilerServices;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Export.BioImageIo;
using ZeroCostDL4Mic.Engine.Export.Onnx;
using ZeroCostDL4Mic.Engine.Inference;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Imaging.Instances;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks.StarDist;

/// <summary>
/// StarDist 2D (Schmidt et al., MICCAI 2018; stardist 0.9.1) with ZeroCostDL4Mic's defaults: star-convex polygons
/// from a U-Net predicting, on a grid, the object probability and the distance to the boundary along n_rays rays;
/// polygon NMS and rendering to a label image on the server.
/// </summary>
public sealed class StarDistNetwork : NetworkDefinition
{
    /// <summary>Model state keys of the thresholds optimised on the validation images after training.</summary>
    public const string ProbThresholdKey = "prob_threshold", NmsThresholdKey = "nms_threshold";

    public override NetworkInfo Info { get; } = new(
        "stardist-2d", "StarDist (2D)",
        "Star-convex instance segmentation of nuclei and cells: image → label image (one id per object) + object table with polygons.",
        DatasetKind.Masks,
        new[]
        {
            CommonParameters.Epochs(100),
            CommonParameters.StepsPerEpoch(),
            CommonParameters.BatchSize(2),
            CommonParameters.PatchSize(0, "0 = the smaller side of the smallest image, a multiple of 16, at most 256"),
            CommonParameters.LearningRate(3e-4),
            new ParameterSpec("validation_fraction", ParameterKind.Float, "0.1", "Share of the images held out for validation and threshold optimisation (at least one).", 0.01, 0.5, Group: "advanced"),
            new ParameterSpec("n_rays", ParameterKind.Int, "32", "Number of radial directions of each star-convex polygon.", 4, 256, Group: "advanced"),
            new ParameterSpec("grid", ParameterKind.Choice, "2", "Subsampling of the output: predictions are made for every grid-th pixel.", Choices: new[] { "1", "2", "4", "8" }, Group: "advanced"),
            CommonParameters.Depth(3),
            CommonParameters.BaseFilters(32),
            CommonParameters.KernelSize(3),
            new ParameterSpec("net_conv_after_unet", ParameterKind.Int, "128", "Channels of the convolution between the U-Net and the two heads.", 1, 1024, Group: "advanced"),
            new ParameterSpec("foreground_only", ParameterKind.Float, "0.9", "Share of training patches that must contain some object.", 0, 1, Group: "advanced"),
            new ParameterSpec("percentile_low", ParameterKind.Float, "1", "Lower percentile of the input normalisation.", 0, 50, Group: "advanced"),
            new ParameterSpec("percentile_high", ParameterKind.Float, "99.8", "Upper percentile of the input normalisation.", 50, 100, Group: "advanced"),
            CommonParameters.ReduceLrFactor(0.5),
            CommonParameters.ReduceLrPatience(40),
            new ParameterSpec("augment", ParameterKind.Bool, "true", "On-the-fly augmentation: the 8 flips/rotations (rays follow), intensity ×U(0.6, 2) + U(−0.2, 0.2), Gaussian noise.", Group: "augmentation"),
            CommonParameters.Seed(),
        },
        new[] { "labels", "probability", "objects" },
        new[] { "f1", "precision", "recall", "accuracy", "panoptic_quality", "mean_matched_score", "iou" },
        "Schmidt, Weigert, Broaddus, Myers. Cell Detection with Star-convex Polygons. MICCAI 2018. doi:10.1007/978-3-030-00934-2_30");

    public override IReadOnlyCollection<string> ArchitectureParameters { get; } =
        new[] { "n_rays", "grid", "unet_depth", "unet_base_filters", "unet_kern_size", "net_conv_after_unet" };

    public override QcKind QcKind => QcKind.InstanceSegmentation;

    public override IEnumerable<FieldViolation> Validate(ParameterSet p)
    {
        int patch = p.Int("patch_size"), divisor = Divisor(p);
        if (patch != 0 && patch % divisor != 0)
            yield return new FieldViolation("patch_size", $"must be 0 (auto) or a multiple of 2^unet_depth·grid = {divisor}");
        if (p.Int("unet_kern_size") % 2 == 0)
            yield return new FieldViolation("unet_kern_size", "must be odd");
        if (p.Float("percentile_low") >= p.Float("percentile_high"))
            yield return new FieldViolation("percentile_low", "must be below percentile_high");
    }

    static StarDistShape Shape(ParameterSet p) =>
        new(p.Int("n_rays"), p.Int("grid"), p.Int("unet_depth"), p.Int("unet_base_filters"), p.Int("unet_kern_size"), p.Int("net_conv_after_unet"));

    public override nn.Module<Tensor, Tensor> Build(ParameterSet p) => new StarDistUNet(Shape(p));

    public override int Divisor(ParameterSet p) => (1 << p.Int("unet_depth")) * p.Int("grid");

    public override int OutputGrid(ParameterSet p) => p.Int("grid");

    /// <summary>The structural receptive-field bound of the spec (47 px for depth 3 and grid 1), scaled by grid and depth.</summary>
    public override int DefaultTileOverlap(ParameterSet p) => (int)Math.Ceiling(47.0 * p.Int("grid") * Math.Pow(2, p.Int("unet_depth") - 3));

    public override TrainingPlan PrepareTraining(ParameterSet p, IReadOnlyList<TrainingSample> samples, Action<string> log) =>
        new StarDistTrainingPlan(p, samples, Divisor(p), log);

    public override NormalizedPlane Normalize(ReadOnlySpan<float> plane, IReadOnlyDictionary<string, string> state) =>
        PlaneNormalization.Percentile(plane, state);

    /// <summary>Percentile ranges of the stacks being predicted, per pixel buffer and percentile pair.</summary>
    readonly ConditionalWeakTable<float[], System.Collections.Concurrent.ConcurrentDictionary<(double, double), (float Low, float High)>> stackRanges = new();

    /// <summary>A 2D+t stack is normalised once with the percentiles of all its frames (as the ZeroCost notebook).</summary>
    public override NormalizedPlane NormalizePlane(ImageData image, int plane, IReadOnlyDictionary<string, string> state)
    {
        if (image.PlaneCount == 1) return Normalize(image.Plane(0).Span, state);
        var percentiles = (PlaneNormalization.Get(state, "percentile_low", 1), PlaneNormalization.Get(state, "percentile_high", 99.8));
        var (low, high) = stackRanges.GetOrCreateValue(image.Pixels)
            .GetOrAdd(percentiles, p => new PercentileNormalizer(p.Item1, p.Item2).Range(image.Pixels));
        var pixels = image.Plane(plane).ToArray();
        new PercentileNormalizer().Normalize(pixels, low, high);
        return new NormalizedPlane(pixels, low, high - low + 1e-20f);
    }

    /// <summary>The object probability (sigmoid of the logit) followed by the ray distances.</summary>
    public override Tensor InferenceHead(Tensor rawOutput)
    {
        using var scope = NewDisposeScope();
        var rays = rawOutput.shape[1] - 1;
        return cat(new[] { rawOutput.narrow(1, 0, 1).sigmoid(), rawOutput.narrow(1, 1, rays) }, 1).MoveToOuterDisposeScope();
    }

    public override string ExportInferenceHead(OnnxGraphBuilder graph, string rawOutput) =>
        graph.Concat(1, graph.Sigmoid(graph.SliceChannels(rawOutput, 0, 1)), graph.SliceChannels(rawOutput, 1, long.MaxValue));

    /// <summary>
    /// The package's output is the inference head nearest-upsampled to the input size (see OnnxExporter's
    /// outputUpsample); the notes tell DeepImageJ users how to turn it into objects without the server.
    /// </summary>
    public override ExportProcessing DescribeExport(IReadOnlyDictionary<string, string> state, bool binarize) => new(
        new ProcessingStep[] { PercentileStep(state) }, Array.Empty<ProcessingStep>(),
        "channel 0 object probability, 1..n_rays boundary distances (px) per ray; grid cells repeated to the input size",
        "prob_dist", null,
        "StarDist post-processing (candidates above the probability threshold, polygon NMS, label rendering) is not part of the " +
        "network; the server does it (`dl4mic predict` writes the label image and the object table). To post-process this output " +
        "elsewhere: take every grid-th pixel (the grid is in the parameters below), keep those whose probability exceeds " +
        $"{Threshold(state, ProbThresholdKey, 0.5).ToString("0.###", CultureInfo.InvariantCulture)}, build each one's polygon with " +
        "vertex k at (y + d_k sin(2 pi k / n_rays), x + d_k cos(2 pi k / n_rays)), then suppress polygons overlapping a more " +
        "probable one by more than " +
        $"{Threshold(state, NmsThresholdKey, 0.4).ToString("0.###", CultureInfo.InvariantCulture)} of the smaller polygon's area " +
        "(intersection over the smaller area, as stardist's NMS, not IoU). stardist's non_maximum_suppression with grid 1 on " +
        "this output finds nearly the same objects, not exactly: the up-sampled cells repeat each candidate, and the server " +
        "leaves out candidates within two grid cells of the image border.",
        new[] { "stardist", "instance-segmentation", "nuclei" });

    public override IReadOnlyList<OutputPlane> Finish(float[] blended, NormalizedPlane input, IReadOnlyDictionary<string, string> state, double threshold) =>
        throw new InvalidOperationException("StarDist builds its outputs from all channels (FinishChannels)");

    /// <summary>
    /// Instances from the grid-resolution maps: candidates above the probability threshold (the request's, else the
    /// optimised one), polygon NMS, the uint16 label image, the probability map (nearest-upsampled) and the object table.
    /// </summary>
    public override IReadOnlyList<OutputPlane> FinishChannels(BlendedOutput blended, NormalizedPlane input, int height, int width,
        IReadOnlyDictionary<string, string> state, double threshold)
    {
        int gh = blended.Height, gw = blended.Width;
        int grid = (int)PlaneNormalization.Get(state, "grid", (height + gh - 1) / gh);
        var result = Detect(blended, height, width, grid, threshold > 0 && threshold < 1 ? threshold : Threshold(state, ProbThresholdKey, 0.5),
            Threshold(state, NmsThresholdKey, 0.4));
        if (result.Objects.Count > ushort.MaxValue)
            throw new LimitExceededException($"{result.Objects.Count} objects do not fit a 16-bit label image; predict smaller tiles of the image");
        var labels = new float[result.Labels.Length];
        for (int i = 0; i < labels.Length; i++) labels[i] = result.Labels[i];
        var prob = blended.Channel(0);
        var upsampled = new float[height * width];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                upsampled[y * width + x] = prob[y / grid * gw + x / grid];
        return new[]
        {
            new OutputPlane(OutputKind.Labels, labels, PixelType.UInt16, result.Objects),
            new OutputPlane(OutputKind.Probability, upsampled, PixelType.Float32),
        };
    }

    /// <summary>Post-processing of blended maps: channel 0 probability, channels 1..R distances (channel-major).</summary>
    public static InstanceSegmentation Detect(BlendedOutput blended, int height, int width, int grid, double probThreshold, double nmsThreshold)
    {
        int rays = blended.Channels - 1;
        return StarDetection.Detect(blended.Channel(0), RaysLast(blended), blended.Height, blended.Width, rays, grid, grid, height, width, probThreshold, nmsThreshold);
    }

    /// <summary>The distance channels 1..R rearranged cell-major with the rays last, as StarDetection takes them.</summary>
    static float[] RaysLast(BlendedOutput blended)
    {
        int rays = blended.Channels - 1, cells = blended.Height * blended.Width;
        var dist = new float[cells * rays];
        for (int k = 0; k < rays; k++)
        {
            var channel = blended.Channel(1 + k);
            for (int c = 0; c < cells; c++) dist[c * rays + k] = channel[c];
        }
        return dist;
    }

    static double Threshold(IReadOnlyDictionary<string, string> state, string key, double fallback)
    {
        double value = PlaneNormalization.Get(state, key, fallback);
        return value > 0 && value < 1 ? value : fallback; // as stardist ignores thresholds outside (0, 1)
    }

    /// <summary>stardist's optimize_thresholds on the validation images (the same split as training), with the best weights.</summary>
    public override IReadOnlyDictionary<string, string> AfterTraining(LoadedModel trained, IReadOnlyList<TrainingSample> samples, int tileSize,
        Action<string> log, CancellationToken cancellation)
    {
        var (_, validation) = StarDistData.Load(trained.Parameters, samples);
        int grid = trained.Grid;
        var maps = new List<StarMaps>();
        foreach (var image in validation)
        {
            var blended = TiledPredictor.PredictChannels(trained, image.Image, image.Height, image.Width, tileSize,
                DefaultTileOverlap(trained.Parameters), null, cancellation);
            maps.Add(new StarMaps(blended.Channel(0).ToArray(), RaysLast(blended), blended.Height, blended.Width, image.Height, image.Width, image.Labels));
        }
        var best = ThresholdOptimization.Optimize(maps, trained.Parameters.Int("n_rays"), grid, log, cancellation);
        log($"optimised thresholds on {validation.Count} validation image(s): prob {best.ProbThreshold:0.###}, nms {best.NmsThreshold:0.0} " +
            $"(mean accuracy at IoU 0.3/0.5/0.7: {best.Score:0.###}, {best.Evaluations} evaluations)");
        return new Dictionary<string, string>
        {
            [ProbThresholdKey] = best.ProbThreshold.ToString("R", CultureInfo.InvariantCulture),
            [NmsThresholdKey] = best.NmsThreshold.ToString("R", CultureInfo.InvariantCulture),
        };
    }
}
