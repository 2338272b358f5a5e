using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks.UNet;

/// <summary>
/// ZeroCostDL4Mic U-Net data: non-overlapping grid patches, those with too little foreground rejected
/// (min_fraction), class weights from the whole masks, random affine + flip augmentation on the fly.
/// </summary>
sealed class UNetTrainingPlan : TrainingPlan
{
    readonly List<(float[] Image, float[] Mask)> train, validation;
    readonly int size;
    readonly double weightForeground, weightBackground;
    readonly bool augment;
    readonly double rotation, shift, zoom;
    readonly RollingIndices order;
    readonly Dictionary<string, string> state;

    UNetTrainingPlan(List<(float[], float[])> train, List<(float[], float[])> validation, int size, double w1, double w0,
        ParameterSet p, Dictionary<string, string> state)
    {
        this.train = train;
        this.validation = validation;
        this.size = size;
        weightForeground = w1;
        weightBackground = w0;
        augment = p.Bool("augment");
        rotation = p.Float("rotation_range");
        shift = p.Float("shift_range");
        zoom = p.Float("zoom_range");
        this.state = state;
        order = new RollingIndices(train.Count);
    }

    public static UNetTrainingPlan Create(ParameterSet p, IReadOnlyList<TrainingSample> samples, int divisor, Action<string> log)
    {
        int minSide = samples.Min(s => Math.Min(s.Source.Height, s.Source.Width));
        int size = p.Int("patch_size");
        if (size == 0)
        {
            // estimatePatchSize: the largest power of two that fits, at most 512.
            size = 1;
            while (size * 2 <= Math.Min(minSide, 512)) size *= 2;
            if (size < divisor) throw new InvalidInputException("dataset", $"images of {minSide} pixels are too small for unet_depth {p.Int("unet_depth")}");
        }
        else if (size > minSide)
            throw new InvalidInputException("patch_size", $"{size} is larger than the smallest image side ({minSide})");

        double low = p.Float("percentile_low"), high = p.Float("percentile_high"), minFraction = p.Float("min_fraction");
        long foreground = 0, total = 0;
        var patches = new List<(float[], float[])>();
        int rejected = 0;
        foreach (var s in samples)
        {
            var target = s.Target ?? throw new InvalidInputException("dataset", $"sample '{s.Name}' has no mask");
            int h = s.Source.Height, w = s.Source.Width;
            for (int plane = 0; plane < s.Source.PlaneCount; plane++)
            {
                var image = PlaneNormalization.Percentile(s.Source.Plane(plane).Span, low, high).Pixels;
                var mask = target.Plane(plane).ToArray();
                for (int i = 0; i < mask.Length; i++) mask[i] = mask[i] > 0 ? 1f : 0f;
                foreach (var v in mask) foreground += (long)v;
                total += mask.Length;
                for (int y = 0; y + size <= h; y += size)
                    for (int x = 0; x + size <= w; x += size)
                    {
                        var m = ReflectPadding.Crop(mask, h, w, y, x, size, size);
                        if (!EnoughForeground(m, minFraction)) { rejected++; continue; }
                        patches.Add((ReflectPadding.Crop(image, h, w, y, x, size, size), m));
                    }
            }
        }
        if (patches.Count < 2)
            throw new InvalidInputException("min_fraction", $"only {patches.Count} patch(es) of {size}x{size} have enough foreground; lower min_fraction or patch_size");
        if (foreground == 0 || foreground == total)
            throw new InvalidInputException("dataset", "the masks need both foreground and background pixels");
        // Class weights as the original: w_c = (n0 + n1) / (2 n_c).
        double w1 = total / (2.0 * foreground), w0 = total / (2.0 * (total - foreground));
        var random = new Random(p.Int("seed"));
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(patches));
        int nVal = Math.Clamp((int)Math.Round(patches.Count * p.Float("validation_fraction")), 1, patches.Count - 1);
        log($"{patches.Count} patches of {size}x{size} ({rejected} rejected by min_fraction, {nVal} for validation); class weights fg {w1:F3}, bg {w0:F3}");
        var state = new Dictionary<string, string>
        {
            ["percentile_low"] = PlaneNormalization.Format(low),
            ["percentile_high"] = PlaneNormalization.Format(high),
            ["patch_size"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return new UNetTrainingPlan(patches.Take(patches.Count - nVal).ToList(), patches.Skip(patches.Count - nVal).ToList(), size, w1, w0, p, state);
    }

    /// <summary>The original's keep rule: sorted mask values at round(N·(1 − min_fraction)) must be non-zero.</summary>
    static bool EnoughForeground(float[] mask, double minFraction)
    {
        int n = mask.Length, nonZero = mask.Count(v => v > 0);
        int k = Math.Min(n - 1, (int)Math.Round(n * (1 - minFraction), MidpointRounding.ToEven));
        return k >= n - nonZero;
    }

    public override int TrainingPatchCount => train.Count;
    public override int ValidationPatchCount => validation.Count;
    public override int DefaultStepsPerEpoch(int batchSize) => Math.Max(1, (int)Math.Ceiling(train.Count / (double)batchSize));
    public override IReadOnlyDictionary<string, string> State => state;

    public override (Tensor Input, Tensor Target) TrainingBatch(int batchSize, Random random)
    {
        var images = new List<float[]>(batchSize);
        var masks = new List<float[]>(batchSize);
        for (int i = 0; i < batchSize; i++)
        {
            var (image, mask) = train[order.Next(random)];
            if (augment)
            {
                double angle = (random.NextDouble() * 2 - 1) * rotation;
                double dy = (random.NextDouble() * 2 - 1) * shift * size, dx = (random.NextDouble() * 2 - 1) * shift * size;
                double zy = 1 + (random.NextDouble() * 2 - 1) * zoom, zx = 1 + (random.NextDouble() * 2 - 1) * zoom;
                bool flipH = random.Next(2) == 1, flipV = random.Next(2) == 1;
                image = AffineAugmentation.Warp(image, size, size, angle, dy, dx, zy, zx, flipH, flipV, nearest: false);
                mask = AffineAugmentation.Warp(mask, size, size, angle, dy, dx, zy, zx, flipH, flipV, nearest: false);
            }
            images.Add(image);
            masks.Add(mask);
        }
        return (PatchTensors.Stack(images, size), PatchTensors.Stack(masks, size));
    }

    public override IEnumerable<(Tensor Input, Tensor Target)> ValidationBatches(int batchSize)
    {
        for (int start = 0; start < validation.Count; start += batchSize)
        {
            var chunk = validation.Skip(start).Take(batchSize).ToList();
            yield return (PatchTensors.Stack(chunk.Select(c => c.Image).ToList(), size), PatchTensors.Stack(chunk.Select(c => c.Mask).ToList(), size));
        }
    }

    public override Tensor Loss(Tensor output, Tensor target) => Losses.WeightedBce(output, target, weightForeground, weightBackground);
}
