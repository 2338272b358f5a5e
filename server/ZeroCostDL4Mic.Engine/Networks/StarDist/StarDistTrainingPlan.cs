using System.Globalization;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks.StarDist;

/// <summary>
/// StarDist training data: random patches (mostly with foreground), augmented as the ZeroCost notebook (the 8
/// flips/rotations, intensity ×U(0.6, 2) + U(−0.2, 0.2), Gaussian noise σ = 0.02·U(0, 1)); targets are rebuilt from
/// the augmented labels, so the rays follow every rotation and flip. One fixed patch per validation image.
/// </summary>
sealed class StarDistTrainingPlan : TrainingPlan
{
    readonly List<LabelledImage> train;
    readonly List<StarDistData.PatchSampler> samplers;
    readonly List<(float[] Image, float[] Target)> validation = new();
    readonly RollingIndices order;
    readonly int size, rays, grid;
    readonly bool augment;
    readonly double foregroundOnly;
    readonly Dictionary<string, string> state;

    public StarDistTrainingPlan(ParameterSet p, IReadOnlyList<TrainingSample> samples, int divisor, Action<string> log)
    {
        var (trainImages, validationImages) = StarDistData.Load(p, samples);
        train = trainImages;
        rays = p.Int("n_rays");
        grid = p.Int("grid");
        size = StarDistData.PatchSize(p, train.Concat(validationImages), divisor);
        augment = p.Bool("augment");
        foregroundOnly = p.Float("foreground_only");
        samplers = train.Select(i => new StarDistData.PatchSampler(i, size)).ToList();
        order = new RollingIndices(train.Count);
        var random = new Random(p.Int("seed") + 1);
        foreach (var image in validationImages)
        {
            var (y, x) = new StarDistData.PatchSampler(image, size).Next(random, foregroundOnly);
            var (pixels, labels) = Crop(image, y, x);
            validation.Add((pixels, StarDistData.Targets(labels, size, rays, grid)));
        }
        int objects = train.Sum(i => i.Labels.Where(v => v > 0).Distinct().Count());
        log($"StarDist: {train.Count} training / {validationImages.Count} validation images ({objects} training objects), patches {size}x{size}, grid {grid}, {rays} rays");
        state = new Dictionary<string, string>
        {
            ["percentile_low"] = PlaneNormalization.Format(p.Float("percentile_low")),
            ["percentile_high"] = PlaneNormalization.Format(p.Float("percentile_high")),
            ["patch_size"] = size.ToString(CultureInfo.InvariantCulture),
            ["grid"] = grid.ToString(CultureInfo.InvariantCulture),
            [StarDistNetwork.ProbThresholdKey] = "0.5",
            [StarDistNetwork.NmsThresholdKey] = "0.4",
        };
        TrainingImageCount = train.Count;
    }

    public int TrainingImageCount { get; }
    public override int TrainingPatchCount => train.Count;
    public override int ValidationPatchCount => validation.Count;
    public override IReadOnlyDictionary<string, string> State => state;

    /// <summary>ZeroCost: ⌊H·W/patch²⌋ · (⌊n/batch⌋ + 1), averaged over the training images' sizes.</summary>
    public override int DefaultStepsPerEpoch(int batchSize)
    {
        double area = train.Average(i => (double)i.Height * i.Width);
        return Math.Max(1, (int)(area / ((double)size * size)) * (train.Count / batchSize + 1));
    }

    (float[] Pixels, int[] Labels) Crop(LabelledImage image, int y, int x)
    {
        var pixels = ReflectPadding.Crop(image.Image, image.Height, image.Width, y, x, size, size);
        var labels = new int[size * size];
        for (int r = 0; r < size; r++)
            Array.Copy(image.Labels, (y + r) * image.Width + x, labels, r * size, size);
        return (pixels, labels);
    }

    public override (Tensor Input, Tensor Target) TrainingBatch(int batchSize, Random random)
    {
        var inputs = new List<float[]>(batchSize);
        var targets = new List<float[]>(batchSize);
        for (int b = 0; b < batchSize; b++)
        {
            int k = order.Next(random);
            var (y, x) = samplers[k].Next(random, foregroundOnly);
            var (pixels, labels) = Crop(train[k], y, x);
            if (augment)
            {
                int transform = random.Next(Dihedral.Count);
                if (transform != 0)
                {
                    pixels = Dihedral.Apply(pixels, size, size, transform, out _, out _);
                    var asFloat = Dihedral.Apply(labels.Select(v => (float)v).ToArray(), size, size, transform, out _, out _);
                    labels = asFloat.Select(v => (int)v).ToArray();
                }
                float scale = (float)(0.6 + 1.4 * random.NextDouble()), shift = (float)(-0.2 + 0.4 * random.NextDouble());
                float sigma = (float)(0.02 * random.NextDouble());
                for (int i = 0; i < pixels.Length; i++) pixels[i] = pixels[i] * scale + shift + sigma * Gaussian(random);
            }
            inputs.Add(pixels);
            targets.Add(StarDistData.Targets(labels, size, rays, grid));
        }
        return (PatchTensors.Stack(inputs, size), StackTargets(targets));
    }

    Tensor StackTargets(IReadOnlyList<float[]> targets)
    {
        int gs = (size - 1) / grid + 1, per = (1 + rays) * gs * gs;
        var buffer = new float[targets.Count * per];
        for (int i = 0; i < targets.Count; i++) targets[i].CopyTo(buffer, i * per);
        return tensor(buffer, new long[] { targets.Count, 1 + rays, gs, gs });
    }

    static float Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    public override IEnumerable<(Tensor Input, Tensor Target)> ValidationBatches(int batchSize)
    {
        for (int start = 0; start < validation.Count; start += batchSize)
        {
            var chunk = validation.Skip(start).Take(batchSize).ToList();
            yield return (PatchTensors.Stack(chunk.Select(c => c.Image).ToList(), size), StackTargets(chunk.Select(c => c.Target).ToList()));
        }
    }

    public override Tensor Loss(Tensor output, Tensor target) => StarDistLoss.Compute(output, target);
}

/// <summary>stardist's loss: 1·BCE(prob) + 0.2·(prob-weighted MAE of the distances + 1e-4·background regulariser).</summary>
public static class StarDistLoss
{
    public const double DistanceWeight = 0.2, BackgroundRegularisation = 1e-4;

    /// <summary>output: [B, 1+R, h, w] (prob logit, distances); target: [B, 1+R, h, w] (EDT probability, distances).</summary>
    public static Tensor Compute(Tensor output, Tensor target)
    {
        using var scope = NewDisposeScope();
        long rays = output.shape[1] - 1;
        var logit = output.narrow(1, 0, 1);
        var dist = output.narrow(1, 1, rays);
        var prob = target.narrow(1, 0, 1);
        var trueDist = target.narrow(1, 1, rays);
        // BCE against the soft EDT target over every pixel, as Keras' binary_crossentropy (here on logits).
        var probLoss = nn.functional.binary_cross_entropy_with_logits(logit, prob);
        // mean_k(m·|d − d̂|) averaged over pixels, normalised by the batch mean of the mask, plus 1e-4·mean((1 − m)·|d̂|).
        var weighted = (prob * (trueDist - dist).abs()).mean() / (prob.mean() + 1e-7);
        var background = ((1 - prob) * dist.abs()).mean();
        var loss = probLoss + DistanceWeight * (weighted + BackgroundRegularisation * background);
        return loss.MoveToOuterDisposeScope();
    }
}
