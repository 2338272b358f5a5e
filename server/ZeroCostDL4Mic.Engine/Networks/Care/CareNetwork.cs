using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Export.BioImageIo;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Engine.Quality;
using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks.Care;

/// <summary>CARE 2D (Weigert et al., Nat. Methods 2018) with ZeroCostDL4Mic's CARE 2D notebook defaults.</summary>
public sealed class CareNetwork : NetworkDefinition
{
    public override NetworkInfo Info { get; } = new(
        "care-2d", "CARE (2D)",
        "Supervised restoration: learns low-SNR → high-SNR from paired source/target images.",
        DatasetKind.Paired,
        new[]
        {
            CommonParameters.Epochs(100),
            CommonParameters.StepsPerEpoch(),
            CommonParameters.BatchSize(16),
            CommonParameters.PatchSize(64, "multiple of 2^unet_depth, at most the smallest image side"),
            new ParameterSpec("patches_per_image", ParameterKind.Int, "50", "Random patches cut from each training image.", 1, 100000),
            CommonParameters.LearningRate(4e-4),
            CommonParameters.ValidationFraction(),
            CommonParameters.Depth(3),
            CommonParameters.BaseFilters(32),
            CommonParameters.KernelSize(5),
            new ParameterSpec("loss", ParameterKind.Choice, "laplace", "laplace = probabilistic CARE (mean + scale outputs); mae or mse = plain regression.",
                Choices: new[] { "laplace", "mae", "mse" }, Group: "advanced"),
            new ParameterSpec("percentile_low", ParameterKind.Float, "1", "Lower percentile of the normalisation (source and target).", 0, 50, Group: "advanced"),
            new ParameterSpec("percentile_high", ParameterKind.Float, "99.8", "Upper percentile of the normalisation.", 50, 100, Group: "advanced"),
            new ParameterSpec("background_filter", ParameterKind.Bool, "false", "Only sample patches whose target has structure (csbdeep no_background_patches).", Group: "advanced"),
            CommonParameters.ReduceLrFactor(0.5),
            CommonParameters.ReduceLrPatience(10),
            CommonParameters.Augment(),
            CommonParameters.Seed(),
        },
        new[] { "restored" },
        QualityControl.ImageToImageMetrics,
        "Weigert et al. Content-aware image restoration: pushing the limits of fluorescence microscopy. Nat. Methods 15, 1090 (2018). doi:10.1038/s41592-018-0216-7");

    public override IReadOnlyCollection<string> ArchitectureParameters { get; } =
        new[] { "unet_depth", "unet_base_filters", "unet_kern_size", "loss" };

    public override QcKind QcKind => QcKind.ImageToImage;

    public override IEnumerable<FieldViolation> Validate(ParameterSet p)
    {
        int divisor = Divisor(p);
        if (p.Int("patch_size") % divisor != 0 || p.Int("patch_size") == 0)
            yield return new FieldViolation("patch_size", $"must be a positive multiple of 2^unet_depth = {divisor}");
        if (p.Int("unet_kern_size") % 2 == 0)
            yield return new FieldViolation("unet_kern_size", "must be odd");
        if (p.Float("percentile_low") >= p.Float("percentile_high"))
            yield return new FieldViolation("percentile_low", "must be below percentile_high");
    }

    public override nn.Module<Tensor, Tensor> Build(ParameterSet p) => new RestorationUNet(new RestorationUNetShape(
        p.Int("unet_depth"), p.Int("unet_base_filters"), p.Int("unet_kern_size"),
        BatchNorm: false, Residual: true, Probabilistic: p.Text("loss") == "laplace", Noise2VoidDecoder: false));

    public override int Divisor(ParameterSet p) => 1 << p.Int("unet_depth");

    public override int DefaultTileOverlap(ParameterSet p) => CsbDeepOverlap(p.Int("unet_depth"), p.Int("unet_kern_size"));

    public override TrainingPlan PrepareTraining(ParameterSet p, IReadOnlyList<TrainingSample> samples, Action<string> log) =>
        CareTrainingPlan.Create(p, samples, log);

    public override NormalizedPlane Normalize(ReadOnlySpan<float> plane, IReadOnlyDictionary<string, string> state) =>
        PlaneNormalization.Percentile(plane, state);

    /// <summary>
    /// The server maps the output back with each image's own percentiles (value * (P_high - P_low) + P_low);
    /// JDLL has no post-processing that reads statistics of the input (scale_mean_variance and reference_tensor
    /// are unsupported), so the package outputs the restored image in the normalised range, as csbdeep's own
    /// exports do, and the README gives the formula.
    /// </summary>
    public override ExportProcessing DescribeExport(IReadOnlyDictionary<string, string> state, bool binarize)
    {
        var range = PercentileStep(state);
        return new(new ProcessingStep[] { range }, Array.Empty<ProcessingStep>(),
            "restored image in the normalised intensity range", "restored", null,
            $"The input is normalised per image: (x - P{range.MinPercentile:G}) / (P{range.MaxPercentile:G} - P{range.MinPercentile:G}), percentiles of that image. " +
            "The output stays in that normalised range (0 is about the input's low percentile, 1 its high one). The server's 'restored' output " +
            $"is output * (P{range.MaxPercentile:G} - P{range.MinPercentile:G}) + P{range.MinPercentile:G} with the input's percentiles; " +
            "DeepImageJ cannot apply that step because it depends on the input image.",
            new[] { "denoising", "restoration", "care" });
    }

    public override IReadOnlyList<OutputPlane> Finish(float[] blended, NormalizedPlane input, IReadOnlyDictionary<string, string> state, double threshold) =>
        new[] { new OutputPlane(OutputKind.Restored, PlaneNormalization.Restore(blended, input), PixelType.Float32) };
}
