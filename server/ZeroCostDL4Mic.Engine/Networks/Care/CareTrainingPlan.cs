using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks.Care;

/// <summary>
/// csbdeep create_patches: random patch positions per image (optionally only where the target has
/// structure), percentile-normalised source and target, joint shuffle, validation = last patches.
/// </summary>
sealed class CareTrainingPlan : TrainingPlan
{
    readonly List<float[]> trainSource = new(), trainTarget = new(), valSource = new(), valTarget = new();
    readonly int size;
    readonly string loss;
    readonly bool augment;
    readonly RollingIndices order;
    readonly Dictionary<string, string> state;

    CareTrainingPlan(int size, string loss, bool augment, List<(float[] X, float[] Y)> patches, double validationFraction, Dictionary<string, string> state)
    {
        this.size = size;
        this.loss = loss;
        this.augment = augment;
        this.state = state;
        int nVal = Math.Clamp((int)Math.Round(patches.Count * validationFraction, MidpointRounding.ToEven), 1, patches.Count - 1);
        for (int i = 0; i < patches.Count; i++)
        {
            bool validation = i >= patches.Count - nVal;
            (validation ? valSource : trainSource).Add(patches[i].X);
            (validation ? valTarget : trainTarget).Add(patches[i].Y);
        }
        order = new RollingIndices(trainSource.Count);
    }

    public static CareTrainingPlan Create(ParameterSet p, IReadOnlyList<TrainingSample> samples, Action<string> log)
    {
        int size = p.Int("patch_size"), perImage = p.Int("patches_per_image");
        double low = p.Float("percentile_low"), high = p.Float("percentile_high");
        var random = new Random(p.Int("seed"));
        var patches = new List<(float[] X, float[] Y)>();
        foreach (var sample in samples)
        {
            var target = sample.Target ?? throw new InvalidInputException("dataset", $"sample '{sample.Name}' has no target image");
            if (sample.Source.Height < size || sample.Source.Width < size)
                throw new InvalidInputException("patch_size",
                    $"{size} is larger than image '{sample.Name}' ({sample.Source.Height}x{sample.Source.Width}); choose at most {Math.Min(sample.Source.Height, sample.Source.Width)}");
            for (int plane = 0; plane < sample.Source.PlaneCount; plane++)
            {
                int h = sample.Source.Height, w = sample.Source.Width;
                var x = PlaneNormalization.Percentile(sample.Source.Plane(plane).Span, low, high).Pixels;
                var y = PlaneNormalization.Percentile(target.Plane(plane).Span, low, high).Pixels;
                var corners = EligibleCorners(target.Plane(plane).Span, h, w, size, p.Bool("background_filter"));
                foreach (var (cy, cx) in Draw(corners, perImage, random))
                    patches.Add((ReflectPadding.Crop(x, h, w, cy, cx, size, size), ReflectPadding.Crop(y, h, w, cy, cx, size, size)));
            }
        }
        if (patches.Count < 2) throw new InvalidInputException("dataset", "at least two training patches are needed; add images or raise patches_per_image");
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(patches));
        log($"{patches.Count} patches of {size}x{size} from {samples.Count} image(s)");
        var state = new Dictionary<string, string>
        {
            ["percentile_low"] = PlaneNormalization.Format(low),
            ["percentile_high"] = PlaneNormalization.Format(high),
        };
        return new CareTrainingPlan(size, p.Text("loss"), p.Bool("augment"), patches, p.Float("validation_fraction"), state);
    }

    /// <summary>Top-left corners whose patch centre passes csbdeep's no_background_patches(0.4, 99.9) when filtering.</summary>
    static List<(int Y, int X)> EligibleCorners(ReadOnlySpan<float> target, int h, int w, int size, bool filter)
    {
        var corners = new List<(int, int)>();
        float[]? filtered = null;
        float threshold = 0;
        if (filter)
        {
            filtered = MaximumFilter(target, h, w, Math.Max(1, size / 2));
            threshold = 0.4f * (float)Percentiles.Compute(target, 99.9)[0];
        }
        for (int y = 0; y + size <= h; y++)
            for (int x = 0; x + size <= w; x++)
                if (filtered is null || filtered[(y + size / 2) * w + x + size / 2] > threshold)
                    corners.Add((y, x));
        return corners.Count > 0 ? corners : EligibleCorners(target, h, w, size, false);
    }

    /// <summary>n distinct corners, or with replacement when fewer are eligible (as csbdeep).</summary>
    static IEnumerable<(int, int)> Draw(List<(int Y, int X)> corners, int n, Random random)
    {
        if (corners.Count >= n)
        {
            var picked = new HashSet<int>();
            while (picked.Count < n) picked.Add(random.Next(corners.Count));
            return picked.Select(i => corners[i]);
        }
        return Enumerable.Range(0, n).Select(_ => corners[random.Next(corners.Count)]);
    }

    /// <summary>scipy maximum_filter with a square window, mode 'constant' (cval 0), separable.</summary>
    static float[] MaximumFilter(ReadOnlySpan<float> image, int h, int w, int window)
    {
        int before = window / 2, after = window - 1 - before;
        var rows = new float[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float m = float.NegativeInfinity;
                for (int k = x - before; k <= x + after; k++) m = Math.Max(m, k >= 0 && k < w ? image[y * w + k] : 0f);
                rows[y * w + x] = m;
            }
        var result = new float[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float m = float.NegativeInfinity;
                for (int k = y - before; k <= y + after; k++) m = Math.Max(m, k >= 0 && k < h ? rows[k * w + x] : 0f);
                result[y * w + x] = m;
            }
        return result;
    }

    public override int TrainingPatchCount => trainSource.Count;
    public override int ValidationPatchCount => valSource.Count;
    public override int DefaultStepsPerEpoch(int batchSize) => trainSource.Count / batchSize + 1;
    public override IReadOnlyDictionary<string, string> State => state;

    public override (Tensor Input, Tensor Target) TrainingBatch(int batchSize, Random random)
    {
        var xs = new List<float[]>(batchSize);
        var ys = new List<float[]>(batchSize);
        for (int i = 0; i < batchSize; i++)
        {
            int index = order.Next(random);
            var pair = augment
                ? PatchTensors.RandomDihedral(random, size, trainSource[index], trainTarget[index])
                : new[] { trainSource[index], trainTarget[index] };
            xs.Add(pair[0]);
            ys.Add(pair[1]);
        }
        return (PatchTensors.Stack(xs, size), PatchTensors.Stack(ys, size));
    }

    public override IEnumerable<(Tensor Input, Tensor Target)> ValidationBatches(int batchSize)
    {
        for (int start = 0; start < valSource.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, valSource.Count - start);
            yield return (PatchTensors.Stack(valSource.GetRange(start, n), size), PatchTensors.Stack(valTarget.GetRange(start, n), size));
        }
    }

    public override Tensor Loss(Tensor output, Tensor target) => Losses.Restoration(loss, output, target);
}
