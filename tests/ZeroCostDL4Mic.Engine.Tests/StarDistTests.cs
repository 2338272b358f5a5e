using System.Diagnostics;
using TorchSharp;
using ZeroCostDL4Mic.Bench;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Inference;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Engine.Networks.StarDist;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Imaging.Instances;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Tests;

/// <summary>The shipped nuclei image cut into quadrants: three to train on, the bottom-right one held out.</summary>
static class NucleiQuadrants
{
    public static ImageData Image { get; } = TiffImages.Read(Path.Combine(AppContext.BaseDirectory, "TestData", "nuclei", "img2d_512.tif"));
    public static ImageData Labels { get; } = TiffImages.Read(Path.Combine(AppContext.BaseDirectory, "TestData", "nuclei", "mask2d_512.tif"));

    public static ImageData Crop(ImageData image, int y, int x, int h, int w) =>
        ImageData.Create2D(h, w, ReflectPadding.Crop(image.Pixels, image.Height, image.Width, y, x, h, w), image.PixelType);

    /// <summary>Training samples: the three quadrants other than the bottom-right, each cut into 128x128 pieces.</summary>
    public static IReadOnlyList<TrainingSample> Training(int piece = 128)
    {
        var samples = new List<TrainingSample>();
        foreach (var (qy, qx) in new[] { (0, 0), (0, 256), (256, 0) })
            for (int y = 0; y < 256; y += piece)
                for (int x = 0; x < 256; x += piece)
                    samples.Add(new TrainingSample($"q{qy}_{qx}_{y}_{x}", Crop(Image, qy + y, qx + x, piece, piece), Crop(Labels, qy + y, qx + x, piece, piece)));
        return samples;
    }

    public static (ImageData Image, int[] Labels) HeldOut() =>
        (Crop(Image, 256, 256, 256, 256), LabelBoxes.ToIntegers(Crop(Labels, 256, 256, 256, 256).Pixels));
}

/// <summary>A StarDist model trained once (CPU, about a minute on 2 cores) for the tests that need a working model.</summary>
public sealed class TrainedStarDist : IDisposable
{
    public static readonly Dictionary<string, string> Parameters = new()
    {
        ["unet_base_filters"] = "16", ["net_conv_after_unet"] = "64", ["patch_size"] = "128", ["batch_size"] = "4", ["learning_rate"] = "1e-3",
    };
    // 400 steps: with oneDNN capped at AVX (OneDnnIsaLimit) 250 left the held-out F1 at 0.52; 400 reach 0.89.
    public const int Steps = 400;

    public TrainedStarDist()
    {
        var network = new NetworkRegistry().Definition("stardist-2d");
        var p = network.ResolveParameters(Parameters);
        Samples = NucleiQuadrants.Training();
        var plan = network.PrepareTraining(p, Samples, _ => { });
        manual_seed(1);
        var clock = Stopwatch.StartNew();
        using (var module = network.Build(p))
        {
            using var optimizer = optim.Adam(module.parameters(), p.Float("learning_rate"), eps: 1e-7);
            var random = new Random(2);
            module.train();
            for (int step = 0; step < Steps; step++)
            {
                using var scope = NewDisposeScope();
                var (input, target) = plan.TrainingBatch(p.Int("batch_size"), random);
                var loss = plan.Loss(module.forward(input), target);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                Losses.Add(loss.item<float>());
            }
            WeightsPath = Path.Combine(Path.GetTempPath(), $"stardist-{Guid.NewGuid():N}.dat");
            module.save(WeightsPath);
        }
        TrainingTime = clock.Elapsed;
        var config = new ModelConfig(ModelConfig.CurrentVersion, network.Key, new(p.Values), new(plan.State));
        var loaded = new LoadedModel(network, config, WeightsPath, CPU);
        Thresholds = network.AfterTraining(loaded, Samples, 256, Log.Add, CancellationToken.None);
        loaded.Dispose();
        foreach (var (k, v) in Thresholds) config.State[k] = v;
        Model = new LoadedModel(network, config, WeightsPath, CPU);
    }

    public IReadOnlyList<TrainingSample> Samples { get; }
    public List<float> Losses { get; } = new();
    public List<string> Log { get; } = new();
    public TimeSpan TrainingTime { get; }
    public string WeightsPath { get; }
    public IReadOnlyDictionary<string, string> Thresholds { get; }
    public LoadedModel Model { get; }

    public void Dispose()
    {
        Model.Dispose();
        File.Delete(WeightsPath);
    }
}

public class StarDistTests(TrainedStarDist trained) : IClassFixture<TrainedStarDist>
{
    static readonly NetworkRegistry Registry = new();
    static readonly Dictionary<string, string> Tiny = new()
    {
        ["unet_depth"] = "2", ["unet_base_filters"] = "8", ["net_conv_after_unet"] = "16", ["n_rays"] = "8", ["patch_size"] = "32",
    };

    [Fact]
    public void Outputs_probability_and_rays_on_the_grid()
    {
        var network = Registry.Definition("stardist-2d");
        var p = network.ResolveParameters(Tiny);
        Assert.Equal(8, network.Divisor(p));
        using var module = network.Build(p);
        using var x = randn(2, 1, 32, 48);
        using var y = module.forward(x);
        Assert.Equal(new long[] { 2, 9, 16, 24 }, y.shape);
        using var head = network.InferenceHead(y);
        Assert.True(head.narrow(1, 0, 1).min().item<float>() >= 0 && head.narrow(1, 0, 1).max().item<float>() <= 1);
    }

    [Fact]
    public void Augmented_patches_keep_image_and_targets_aligned()
    {
        // Bright discs on a dark background: wherever the target says "object" the (augmented) image must be bright.
        var network = Registry.Definition("stardist-2d");
        var p = network.ResolveParameters(new Dictionary<string, string>(Tiny) { ["patch_size"] = "32" });
        var samples = Enumerable.Range(0, 3).Select(i => Discs($"d{i}", 64, 64, i)).ToList();
        var plan = network.PrepareTraining(p, samples, _ => { });
        var (input, target) = plan.TrainingBatch(8, new Random(3));
        using (input)
        using (target)
        {
            Assert.Equal(new long[] { 8, 1, 32, 32 }, input.shape);
            Assert.Equal(new long[] { 8, 9, 16, 16 }, target.shape);
            var image = input[.., 0, TensorIndex.Slice(0, null, 2), TensorIndex.Slice(0, null, 2)];
            var prob = target[.., 0];
            var inside = image.masked_select(prob.gt(0.5f)).mean().item<float>();
            var outside = image.masked_select(prob.eq(0)).mean().item<float>();
            Assert.True(inside > outside + 0.3, $"object pixels {inside}, background {outside}");
            // Distances are positive exactly on objects.
            Assert.True(target[.., 1..].masked_select(prob.eq(0).unsqueeze(1).expand(-1, 8, -1, -1)).abs().max().item<float>() == 0);
        }
    }

    [Fact]
    public void Bad_training_data_is_refused_with_precise_errors()
    {
        var network = Registry.Definition("stardist-2d");
        var p = network.ResolveParameters(Tiny);
        var one = Assert.Throws<Errors.InvalidInputException>(() => network.PrepareTraining(p, new[] { Discs("a", 64, 64, 1) }, _ => { }));
        Assert.Contains("at least 2", one.Message);
        var floats = new TrainingSample("f", ImageData.Create2D(8, 8, new float[64]), ImageData.Create2D(8, 8, Enumerable.Repeat(0.5f, 64).ToArray()));
        var notLabels = Assert.Throws<Errors.InvalidInputException>(() => network.PrepareTraining(p, new[] { floats, floats }, _ => { }));
        Assert.Contains("integers", notLabels.Message);
        var odd = Assert.Throws<Errors.InvalidInputException>(() => network.ResolveParameters(new Dictionary<string, string> { ["patch_size"] = "40" }));
        Assert.Equal("patch_size", odd.Violations.Single().Field);
    }

    [Fact]
    public void Trained_model_beats_otsu_watershed_on_the_held_out_quadrant()
    {
        Assert.True(trained.Losses.TakeLast(20).Average() < trained.Losses.Take(20).Average() * 0.7,
            $"loss {trained.Losses.Take(20).Average():F3} → {trained.Losses.TakeLast(20).Average():F3}");
        var (image, truth) = NucleiQuadrants.HeldOut();
        var result = trained.Model.PredictDetailed(image, 256, 0, 0, null, CancellationToken.None);
        var labels = LabelBoxes.ToIntegers(result.Images.Single(o => o.Kind == OutputKind.Labels).Image.Pixels);
        double f1 = InstanceMatching.Match(truth, labels, 0.5).F1;
        double baseline = InstanceMatching.Match(truth, OtsuWatershed.Segment(image.Pixels, 256, 256), 0.5).F1;
        Console.WriteLine($"StarDist F1@0.5 {f1:F3} vs Otsu+watershed {baseline:F3}; {TrainedStarDist.Steps} steps in {trained.TrainingTime.TotalSeconds:F0} s; thresholds {string.Join(", ", trained.Thresholds)}");
        Assert.True(f1 > baseline, $"StarDist F1@0.5 {f1:F3} does not beat Otsu+watershed {baseline:F3}");
        Assert.Equal(labels.Where(v => v > 0).Distinct().Count(), result.Objects!.Single().Count);
    }

    [Fact]
    public void Thresholds_are_optimised_after_training_and_used_by_prediction()
    {
        Assert.Contains(StarDistNetwork.ProbThresholdKey, trained.Thresholds.Keys);
        double prob = double.Parse(trained.Thresholds[StarDistNetwork.ProbThresholdKey], System.Globalization.CultureInfo.InvariantCulture);
        double nms = double.Parse(trained.Thresholds[StarDistNetwork.NmsThresholdKey], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(prob, 0.05, 1);
        Assert.Contains(nms, new[] { 0.3, 0.4, 0.5 });
        Assert.Contains(trained.Log, l => l.Contains("optimised thresholds"));
    }

    [Fact]
    public void Tiled_prediction_finds_the_same_objects_as_whole_image_prediction()
    {
        var whole = Labels(trained.Model.PredictDetailed(NucleiQuadrants.Image, 1024, 0, 0, null, CancellationToken.None));
        var tiled = Labels(trained.Model.PredictDetailed(NucleiQuadrants.Image, 192, 0, 0, null, CancellationToken.None));
        var matching = InstanceMatching.Match(whole, tiled, 0.9);
        Assert.True(matching.NTrue > 50, $"only {matching.NTrue} objects");
        Assert.Equal(matching.NTrue, matching.NPred);
        Assert.True(matching.F1 > 0.98, $"tiled vs whole: {matching.TruePositives} of {matching.NTrue} objects matched at IoU ≥ 0.9");
    }

    [Fact]
    public void A_time_lapse_is_normalised_once_and_returns_a_label_stack_with_counts_per_frame()
    {
        var (frame, _) = NucleiQuadrants.HeldOut();
        // Frame 1 is frame 0 at half the brightness: one normalisation over the stack keeps it dimmer, so it finds fewer or equal objects.
        var pixels = frame.Pixels.Concat(frame.Pixels.Select(v => v * 0.5f)).ToArray();
        var stack = new ImageData("TYX", new[] { 2, 256, 256 }, pixels, PixelType.UInt16);
        var result = trained.Model.PredictDetailed(stack, 256, 0, 0, null, CancellationToken.None);
        var labels = result.Images.Single(o => o.Kind == OutputKind.Labels).Image;
        Assert.Equal("TYX", labels.Axes);
        Assert.Equal(PixelType.UInt16, labels.PixelType);
        Assert.Equal(2, result.Objects!.Count);
        Assert.True(result.Objects[0].Count > 10);
        // One normalisation for the whole stack: frame 1 stays at half the brightness of frame 0 after normalisation.
        var network = trained.Model.Network;
        var n0 = network.NormalizePlane(stack, 0, trained.Model.Config.State);
        var n1 = network.NormalizePlane(stack, 1, trained.Model.Config.State);
        Assert.Equal(n0.Offset, n1.Offset);
        Assert.Equal(n0.Scale, n1.Scale);
        Assert.True(n1.Pixels.Max() < 0.6 * n0.Pixels.Max());
        var single = trained.Model.PredictDetailed(frame, 256, 0, 0, null, CancellationToken.None).Objects!.Single();
        Assert.InRange(result.Objects[0].Count, single.Count - 3, single.Count + 3); // frame 0 with the stack's percentiles differs little
        Assert.True(result.Objects[1].Count <= result.Objects[0].Count + 1);
    }

    [Fact]
    public void The_exported_network_in_onnx_runtime_finds_the_same_objects()
    {
        // The backbone and inference head export to ONNX; the post-processing stays on the server for both backends.
        using var onnx = new LoadedModel(trained.Model.Network, trained.Model.Config, trained.WeightsPath, CPU, InferenceBackend.Onnx);
        var (image, _) = NucleiQuadrants.HeldOut();
        var torch = Labels(trained.Model.PredictDetailed(image, 256, 0, 0, null, CancellationToken.None));
        var exported = Labels(onnx.PredictDetailed(image, 256, 0, 0, null, CancellationToken.None));
        var matching = InstanceMatching.Match(torch, exported, 0.9);
        Assert.True(matching.NTrue > 10 && matching.F1 > 0.98, $"{matching.TruePositives} of {matching.NTrue} objects matched");
    }

    [Fact]
    public void Transfer_learning_starts_from_the_base_model_and_a_fresh_model_does_not()
    {
        // One training step at a fine-tuning learning rate: from the base weights the objects stay those of the base;
        // the same step from a fresh initialisation finds none of them.
        var (image, _) = NucleiQuadrants.HeldOut();
        var baseLabels = Labels(trained.Model.PredictDetailed(image, 256, 0, 0, null, CancellationToken.None));
        var network = trained.Model.Network;
        var p = network.ResolveParameters(new Dictionary<string, string>(TrainedStarDist.Parameters) { ["epochs"] = "1", ["steps_per_epoch"] = "1" });
        var directory = Path.Combine(Path.GetTempPath(), $"stardist-transfer-{Guid.NewGuid():N}");
        try
        {
            using var store = new Storage.DataStore(directory);
            int[] TrainOneStep(string id, Training.BaseWeights? from)
            {
                var folder = new ModelFolder(store.Files, id);
                new Training.Trainer(CPU).Train(new Training.TrainingRun(network, p, trained.Samples, folder, from), new SilentObserver(), CancellationToken.None);
                using var model = new LoadedModel(network, trained.Model.Config, folder.FullPath(ModelFolder.BestWeights), CPU);
                return Labels(model.PredictDetailed(image, 256, 0, 0, null, CancellationToken.None));
            }
            var transferred = InstanceMatching.Match(baseLabels, TrainOneStep("child", new Training.BaseWeights(trained.WeightsPath, 1e-5)), 0.9);
            var fresh = InstanceMatching.Match(baseLabels, TrainOneStep("fresh", null), 0.5);

            Assert.True(transferred.NTrue > 10 && transferred.F1 > 0.95, $"{transferred.TruePositives} of {transferred.NTrue} base objects kept at IoU 0.9");
            Assert.True(fresh.F1 < 0.2, $"a fresh model matched {fresh.TruePositives} of {fresh.NTrue} base objects");
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    sealed class SilentObserver : Training.ITrainingObserver
    {
        public void Message(string text) { }
        public void Progress(JobProgressed progress) { }
        public void EpochCompleted(JobEpochCompleted epoch) { }
    }

    [Fact]
    public void A_prediction_leaks_no_tensors()
    {
        var (image, _) = NucleiQuadrants.HeldOut();
        trained.Model.Predict(image, 128, 0, 0, null, CancellationToken.None);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        trained.Model.Predict(image, 128, 0, 0, null, CancellationToken.None);
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    static int[] Labels(PredictionResult result) => LabelBoxes.ToIntegers(result.Images.Single(o => o.Kind == OutputKind.Labels).Image.Pixels);

    static TrainingSample Discs(string name, int h, int w, int seed)
    {
        var random = new Random(seed);
        var image = new float[h * w];
        var labels = new float[h * w];
        for (int d = 1; d <= 6; d++)
        {
            double cy = random.Next(8, h - 8), cx = random.Next(8, w - 8), r = 3 + random.NextDouble() * 4;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    if ((y - cy) * (y - cy) + (x - cx) * (x - cx) <= r * r && labels[y * w + x] == 0) { labels[y * w + x] = d; image[y * w + x] = 100; }
        }
        for (int i = 0; i < image.Length; i++) image[i] += 10 + (float)(3 * random.NextDouble());
        return new TrainingSample(name, ImageData.Create2D(h, w, image), ImageData.Create2D(h, w, labels, PixelType.UInt16));
    }
}
