using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Export.BioImageIo;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Engine.Quality;
using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks.Noise2Void;

/// <summary>Noise2Void 2D (Krull et al., CVPR 2019) with ZeroCostDL4Mic's N2V 2D notebook defaults.</summary>
public sealed class Noise2VoidNetwork : NetworkDefinition
{
    public override NetworkInfo Info { get; } = new(
        "n2v-2d", "Noise2Void (2D)",
        "Self-supervised denoising trained on noisy images only (blind-spot masking).",
        DatasetKind.Images,
        new[]
        {
            CommonParameters.Epochs(100),
            CommonParameters.StepsPerEpoch(),
            CommonParameters.BatchSize(128),
            CommonParameters.PatchSize(64, "multiple of 2^unet_depth, at most the smallest image side"),
            CommonParameters.LearningRate(4e-4),
            CommonParameters.ValidationFraction(),
            CommonParameters.Depth(2),
            CommonParameters.BaseFilters(32),
            CommonParameters.KernelSize(3),
            new ParameterSpec("batch_norm", ParameterKind.Bool, "true", "Batch normalisation after every convolution.", Group: "advanced"),
            new ParameterSpec("loss", ParameterKind.Choice, "mse", "Masked loss on the blind-spot pixels.", Choices: new[] { "mse", "mae" }, Group: "advanced"),
            new ParameterSpec("perc_pix", ParameterKind.Float, "0.198", "Percentage of pixels of each patch replaced (blind spots).", 0.01, 10, Group: "advanced"),
            new ParameterSpec("neighborhood_radius", ParameterKind.Int, "5", "Radius of the window a blind spot's replacement is drawn from.", 1, 32, Group: "advanced"),
            CommonParameters.ReduceLrFactor(0.5),
            CommonParameters.ReduceLrPatience(10),
            CommonParameters.Augment(),
            CommonParameters.Seed(),
        },
        new[] { "restored" },
        QualityControl.ImageToImageMetrics,
        "Krull, Buchholz, Jug. Noise2Void - learning denoising from single noisy images. CVPR 2019. doi:10.1109/CVPR.2019.00223");

    public override IReadOnlyCollection<string> ArchitectureParameters { get; } =
        new[] { "unet_depth", "unet_base_filters", "unet_kern_size", "batch_norm" };

    public override QcKind QcKind => QcKind.ImageToImage;

    public override IEnumerable<FieldViolation> Validate(ParameterSet p)
    {
        int divisor = Divisor(p);
        if (p.Int("patch_size") % divisor != 0 || p.Int("patch_size") < 8)
            yield return new FieldViolation("patch_size", $"must be a multiple of 2^unet_depth = {divisor} and at least 8");
        if (p.Int("unet_kern_size") % 2 == 0)
            yield return new FieldViolation("unet_kern_size", "must be odd");
    }

    public override nn.Module<Tensor, Tensor> Build(ParameterSet p) => new RestorationUNet(new RestorationUNetShape(
        p.Int("unet_depth"), p.Int("unet_base_filters"), p.Int("unet_kern_size"),
        BatchNorm: p.Bool("batch_norm"), Residual: false, Probabilistic: false, Noise2VoidDecoder: true));

    public override int Divisor(ParameterSet p) => 1 << p.Int("unet_depth");

    public override int DefaultTileOverlap(ParameterSet p) => CsbDeepOverlap(p.Int("unet_depth"), p.Int("unet_kern_size"));

    public override TrainingPlan PrepareTraining(ParameterSet p, IReadOnlyList<TrainingSample> samples, Action<string> log) =>
        Noise2VoidTrainingPlan.Create(p, samples, log);

    /// <summary>n2v normalises with the training data's mean and std (no eps) and denormalises afterwards.</summary>
    public override NormalizedPlane Normalize(ReadOnlySpan<float> plane, IReadOnlyDictionary<string, string> state)
    {
        float mean = (float)PlaneNormalization.Get(state, "mean", 0), std = (float)PlaneNormalization.Get(state, "std", 1);
        var pixels = new float[plane.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (plane[i] - mean) / std;
        return new NormalizedPlane(pixels, mean, std);
    }

    /// <summary>The training set's fixed mean and std before and after the graph: exactly the server's outputs.</summary>
    public override ExportProcessing DescribeExport(IReadOnlyDictionary<string, string> state, bool binarize)
    {
        double mean = PlaneNormalization.Get(state, "mean", 0), std = PlaneNormalization.Get(state, "std", 1);
        return new(new ProcessingStep[] { new FixedZeroMeanUnitVariance(mean, std) }, new ProcessingStep[] { new ScaleLinear(std, mean) },
            "denoised image in the input's intensity range", "denoised", null,
            $"The input is normalised with the training data's mean ({mean:G6}) and standard deviation ({std:G6}); the output is mapped back " +
            "with the same values, so it equals the server's 'restored' output.",
            new[] { "denoising", "noise2void", "n2v", "self-supervised" });
    }

    public override IReadOnlyList<OutputPlane> Finish(float[] blended, NormalizedPlane input, IReadOnlyDictionary<string, string> state, double threshold) =>
        new[] { new OutputPlane(OutputKind.Restored, PlaneNormalization.Restore(blended, input), PixelType.Float32) };
}
