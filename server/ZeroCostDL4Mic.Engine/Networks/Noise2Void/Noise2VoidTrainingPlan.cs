using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks.Noise2Void;

/// <summary>
/// n2v's N2V_DataGenerator + N2V_DataWrapper: non-overlapping grid patches of the mean/std-normalised noisy
/// images; per batch, stratified blind spots whose values are replaced by a uniform pick from the
/// (2r+1)² window (uniform_withCP); the loss sees only those pixels. Validation patches are masked once.
/// </summary>
sealed class Noise2VoidTrainingPlan : TrainingPlan
{
    readonly List<float[]> train, validation;
    readonly List<float[][]> validationMasked;
    readonly int size;
    readonly BlindSpotMasking masking;
    readonly bool augment;
    readonly string loss;
    readonly RollingIndices order;
    readonly Dictionary<string, string> state;

    Noise2VoidTrainingPlan(List<float[]> train, List<float[]> validation, int size, int box, int radius, bool augment, string loss, Dictionary<string, string> state, int seed)
    {
        this.train = train;
        this.validation = validation;
        this.size = size;
        masking = new BlindSpotMasking(size, box, radius);
        this.augment = augment;
        this.loss = loss;
        this.state = state;
        order = new RollingIndices(train.Count);
        var random = new Random(seed + 1);
        validationMasked = validation.Select(p => masking.Apply(p, random)).ToList();
    }

    public static Noise2VoidTrainingPlan Create(ParameterSet p, IReadOnlyList<TrainingSample> samples, Action<string> log)
    {
        int size = p.Int("patch_size");
        double sum = 0, sumSquares = 0;
        long count = 0;
        foreach (var s in samples)
            foreach (var v in s.Source.Pixels) { sum += v; sumSquares += (double)v * v; count++; }
        double mean = sum / count, std = Math.Sqrt(Math.Max(sumSquares / count - mean * mean, 1e-12));

        var patches = new List<float[]>();
        foreach (var s in samples)
        {
            int h = s.Source.Height, w = s.Source.Width;
            if (h < size || w < size)
                throw new InvalidInputException("patch_size",
                    $"{size} is larger than image '{s.Name}' ({h}x{w}); choose at most {Math.Min(h, w)}");
            for (int plane = 0; plane < s.Source.PlaneCount; plane++)
            {
                var pixels = s.Source.Plane(plane).ToArray();
                for (int i = 0; i < pixels.Length; i++) pixels[i] = (float)((pixels[i] - mean) / std);
                for (int y = 0; y + size <= h; y += size)
                    for (int x = 0; x + size <= w; x += size)
                        patches.Add(ReflectPadding.Crop(pixels, h, w, y, x, size, size));
            }
        }
        if (patches.Count < 2) throw new InvalidInputException("dataset", "at least two patches are needed; add images or lower patch_size");
        // The notebook validates on the first 10% of patches and trains on the rest.
        int nVal = Math.Clamp((int)(patches.Count * p.Float("validation_fraction")), 1, patches.Count - 1);
        log($"{patches.Count} patches of {size}x{size} ({nVal} for validation); mean {mean:G5}, std {std:G5}");
        var state = new Dictionary<string, string> { ["mean"] = PlaneNormalization.Format(mean), ["std"] = PlaneNormalization.Format(std) };
        int box = (int)Math.Round(Math.Sqrt(100 / p.Float("perc_pix")));
        return new Noise2VoidTrainingPlan(patches.Skip(nVal).ToList(), patches.Take(nVal).ToList(), size, box,
            p.Int("neighborhood_radius"), p.Bool("augment"), p.Text("loss"), state, p.Int("seed"));
    }

    public override int TrainingPatchCount => train.Count;
    public override int ValidationPatchCount => validation.Count;
    public override int DefaultStepsPerEpoch(int batchSize) => train.Count / batchSize + 1;
    public override IReadOnlyDictionary<string, string> State => state;

    public override (Tensor Input, Tensor Target) TrainingBatch(int batchSize, Random random)
    {
        var inputs = new List<float[]>(batchSize);
        var targets = new List<float[][]>(batchSize);
        for (int i = 0; i < batchSize; i++)
        {
            var patch = train[order.Next(random)];
            if (augment) patch = PatchTensors.RandomDihedral(random, size, patch)[0];
            var m = masking.Apply(patch, random);
            inputs.Add(m[0]);
            targets.Add(new[] { m[1], m[2] });
        }
        return (PatchTensors.Stack(inputs, size), PatchTensors.StackChannels(targets, size));
    }

    public override IEnumerable<(Tensor Input, Tensor Target)> ValidationBatches(int batchSize)
    {
        for (int start = 0; start < validationMasked.Count; start += batchSize)
        {
            var chunk = validationMasked.Skip(start).Take(batchSize).ToList();
            yield return (PatchTensors.Stack(chunk.Select(m => m[0]).ToList(), size),
                PatchTensors.StackChannels(chunk.Select(m => new[] { m[1], m[2] }).ToList(), size));
        }
    }

    public override Tensor Loss(Tensor output, Tensor target) => Losses.Masked(loss, output, target);
}
