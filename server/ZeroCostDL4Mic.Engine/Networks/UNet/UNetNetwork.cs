using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Export.BioImageIo;
using ZeroCostDL4Mic.Engine.Export.Onnx;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks.UNet;

/// <summary>U-Net 2D binary segmentation (Ronneberger et al., MICCAI 2015) with ZeroCostDL4Mic's U-Net 2D defaults.</summary>
public sealed class UNetNetwork : NetworkDefinition
{
    /// <summary>Model state key of the mask threshold on the 8-bit probability (0..255), set by QC.</summary>
    public const string ThresholdKey = "threshold_8bit";

    public override NetworkInfo Info { get; } = new(
        "unet-2d", "U-Net (2D)",
        "Binary semantic segmentation: image → probability map → mask.",
        DatasetKind.Masks,
        new[]
        {
            CommonParameters.Epochs(100),
            CommonParameters.StepsPerEpoch(),
            CommonParameters.BatchSize(4),
            CommonParameters.PatchSize(0, "0 = the largest power of two that fits the smallest image, at most 512"),
            CommonParameters.LearningRate(3e-4),
            CommonParameters.ValidationFraction(),
            CommonParameters.Depth(2, "Pooling steps (U-Net depth)"),
            CommonParameters.BaseFilters(64),
            new ParameterSpec("min_fraction", ParameterKind.Float, "0.02", "Patches with less foreground than this fraction are rejected.", 0, 1, Group: "advanced"),
            new ParameterSpec("percentile_low", ParameterKind.Float, "1", "Lower percentile of the input normalisation.", 0, 50, Group: "advanced"),
            new ParameterSpec("percentile_high", ParameterKind.Float, "99.8", "Upper percentile of the input normalisation.", 50, 100, Group: "advanced"),
            CommonParameters.ReduceLrFactor(0.1),
            CommonParameters.ReduceLrPatience(10),
            CommonParameters.Augment(),
            new ParameterSpec("rotation_range", ParameterKind.Float, "180", "Random rotation in degrees (±).", 0, 180, Group: "augmentation"),
            new ParameterSpec("shift_range", ParameterKind.Float, "0.1", "Random shift as a fraction of the patch (±).", 0, 0.5, Group: "augmentation"),
            new ParameterSpec("zoom_range", ParameterKind.Float, "0.1", "Random zoom (1 ± range).", 0, 0.5, Group: "augmentation"),
            CommonParameters.Seed(),
        },
        new[] { "probability", "mask" },
        new[] { "iou", "iou_threshold", "all_foreground_iou" },
        "Ronneberger, Fischer, Brox. U-Net: Convolutional Networks for Biomedical Image Segmentation. MICCAI 2015. doi:10.1007/978-3-319-24574-4_28");

    public override IReadOnlyCollection<string> ArchitectureParameters { get; } = new[] { "unet_depth", "unet_base_filters" };

    public override QcKind QcKind => QcKind.BinarySegmentation;

    public override IEnumerable<FieldViolation> Validate(ParameterSet p)
    {
        int patch = p.Int("patch_size"), divisor = Divisor(p);
        if (patch != 0 && patch % divisor != 0)
            yield return new FieldViolation("patch_size", $"must be 0 (auto) or a multiple of 2^unet_depth = {divisor}");
        if (p.Float("percentile_low") >= p.Float("percentile_high"))
            yield return new FieldViolation("percentile_low", "must be below percentile_high");
    }

    public override nn.Module<Tensor, Tensor> Build(ParameterSet p) => new SegmentationUNet(p.Int("unet_depth"), p.Int("unet_base_filters"));

    public override int Divisor(ParameterSet p) => 1 << p.Int("unet_depth");

    public override int DefaultTileOverlap(ParameterSet p) => CsbDeepOverlap(p.Int("unet_depth"), 3);

    public override TrainingPlan PrepareTraining(ParameterSet p, IReadOnlyList<TrainingSample> samples, Action<string> log) =>
        UNetTrainingPlan.Create(p, samples, Divisor(p), log);

    public override NormalizedPlane Normalize(ReadOnlySpan<float> plane, IReadOnlyDictionary<string, string> state) =>
        PlaneNormalization.Percentile(plane, state);

    public override Tensor InferenceHead(Tensor rawOutput) => rawOutput.sigmoid();

    public override string ExportInferenceHead(OnnxGraphBuilder graph, string rawOutput) => graph.Sigmoid(rawOutput);

    /// <summary>
    /// The graph ends in the sigmoid, so the output is the server's probability map; on request a binarize step
    /// at the QC-optimal threshold gives the mask instead (1 where the 8-bit probability exceeds threshold_8bit).
    /// </summary>
    public override ExportProcessing DescribeExport(IReadOnlyDictionary<string, string> state, bool binarize)
    {
        double level = PlaneNormalization.Get(state, ThresholdKey, 127);
        double threshold = (level + 0.5) / 255;
        var tags = new[] { "segmentation", "semantic-segmentation", "binary-segmentation", "unet" };
        return binarize
            ? new(new ProcessingStep[] { PercentileStep(state) }, new ProcessingStep[] { new Binarize(threshold) },
                "binary mask (1 = foreground)", "mask", (0, 1),
                $"The input is normalised per image with the server's percentiles. The probability is binarised at {threshold:G4} " +
                $"(the QC-optimal 8-bit threshold {level:G}), as the server's 'mask' output (which stores 255 for 1).", tags)
            : new(new ProcessingStep[] { PercentileStep(state) }, Array.Empty<ProcessingStep>(),
                "foreground probability", "probability", (0, 1),
                $"The input is normalised per image with the server's percentiles; the output is the server's 'probability'. " +
                $"The QC-optimal threshold is {threshold:G4} (8-bit level {level:G}): pixels above it are the server's 'mask'.", tags);
    }

    /// <summary>Probability map, and the mask where the 8-bit probability exceeds the threshold (as the original's QC sweep).</summary>
    public override IReadOnlyList<OutputPlane> Finish(float[] blended, NormalizedPlane input, IReadOnlyDictionary<string, string> state, double threshold)
    {
        // threshold: a probability in (0, 1) from the request, else the QC-optimal 8-bit level, else 0.5.
        double level = threshold > 0 && threshold < 1 ? threshold * 255 - 0.5 : PlaneNormalization.Get(state, ThresholdKey, 127);
        var ubyte = SegmentationQuality.ToUByte(blended);
        var mask = new float[blended.Length];
        for (int i = 0; i < mask.Length; i++) mask[i] = ubyte[i] > level ? 255f : 0f;
        return new[]
        {
            new OutputPlane(OutputKind.Probability, blended, PixelType.Float32),
            new OutputPlane(OutputKind.Mask, mask, PixelType.UInt8),
        };
    }
}
