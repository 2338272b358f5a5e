using TorchSharp;
using ZeroCostDL4Mic.Engine.Inference;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Engine.Networks.Common;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Tests;

/// <summary>Per network on CPU with tiny sizes: shapes, loss falls on an overfit batch, save → load, no leaked tensors.</summary>
public class NetworkTests
{
    static readonly NetworkRegistry Registry = new();

    public static TheoryData<string, Dictionary<string, string>> Tiny => new()
    {
        { "care-2d", new() { ["unet_depth"] = "2", ["unet_base_filters"] = "8", ["unet_kern_size"] = "3", ["patch_size"] = "32", ["patches_per_image"] = "8" } },
        { "n2v-2d", new() { ["unet_depth"] = "2", ["unet_base_filters"] = "8", ["patch_size"] = "32" } },
        { "unet-2d", new() { ["unet_depth"] = "2", ["unet_base_filters"] = "8", ["patch_size"] = "32" } },
    };

    static IReadOnlyList<TrainingSample> Samples(string key) => key == "unet-2d"
        ? new[] { SyntheticImages.MaskPair("a", 64, 64, 1), SyntheticImages.MaskPair("b", 64, 64, 2) }
        : new[] { SyntheticImages.Pair("a", 64, 64, 1), SyntheticImages.Pair("b", 64, 64, 2) };

    [Theory]
    [MemberData(nameof(Tiny))]
    public void Output_has_the_input_size_and_expected_channels(string key, Dictionary<string, string> given)
    {
        var network = Registry.Definition(key);
        using var module = network.Build(network.ResolveParameters(given));
        using var x = randn(2, 1, 32, 48);
        using var y = module.forward(x);
        long channels = key == "care-2d" ? 2 : 1; // CARE's default Laplace loss adds a scale channel
        Assert.Equal(new long[] { 2, channels, 32, 48 }, y.shape);
    }

    /// <summary>The network, its tiny parameters and training plan, with torch's generator seeded for the weights.</summary>
    static (NetworkDefinition Network, ParameterSet Parameters, TrainingPlan Plan) TinyTraining(string key, Dictionary<string, string> given)
    {
        var network = Registry.Definition(key);
        var p = network.ResolveParameters(given);
        var plan = network.PrepareTraining(p, Samples(key), _ => { });
        manual_seed(3);
        return (network, p, plan);
    }

    [Theory]
    [MemberData(nameof(Tiny))]
    public void Loss_falls_when_overfitting_one_batch(string key, Dictionary<string, string> given)
    {
        var (network, p, plan) = TinyTraining(key, given);
        using var module = network.Build(p);
        using var optimizer = optim.Adam(module.parameters(), 3e-3);
        var (input, target) = plan.TrainingBatch(4, new Random(5));
        double first = 0, last = 0;
        for (int step = 0; step < 60; step++)
        {
            using var scope = NewDisposeScope();
            var loss = plan.Loss(module.forward(input), target);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        input.Dispose();
        target.Dispose();
        Assert.True(last < first * 0.8, $"{key}: loss {first} → {last}");
    }

    /// <summary>
    /// The float32 gradients LibTorch computes on this CPU agree with float64 ones (which run outside oneDNN): the
    /// check that caught oneDNN's AVX2/AVX-512 backward kernels returning NaN for a channel now and then on AMD Zen 5
    /// (see OneDnnIsaLimit). Several batches, since the fault came at random steps.
    /// </summary>
    [Theory]
    [MemberData(nameof(Tiny))]
    public void Float32_gradients_agree_with_float64_gradients(string key, Dictionary<string, string> given)
    {
        var (network, p, plan) = TinyTraining(key, given);
        using var single = network.Build(p);
        using var reference = network.Build(p);
        var random = new Random(5);
        for (int batch = 0; batch < 25; batch++)
        {
            using var scope = NewDisposeScope();
            var (input, target) = plan.TrainingBatch(4, random);
            reference.load_state_dict(single.state_dict());
            reference.to(float64);
            single.zero_grad();
            reference.zero_grad();
            plan.Loss(single.forward(input), target).backward();
            plan.Loss(reference.forward(input.to(float64)), target.to(float64)).backward();
            // Relative to the largest gradient of the network: a conv bias before BatchNorm has a gradient near 0.
            var pairs = single.named_parameters().Zip(reference.named_parameters()).ToList();
            double scale = pairs.Max(pair => pair.Second.parameter.grad!.abs().max().item<double>());
            foreach (var ((name, a), (_, b)) in pairs)
            {
                double error = (a.grad!.to(float64) - b.grad!).abs().max().item<double>() / scale;
                Assert.True(error < 1e-4, $"{key}, batch {batch}: gradient of {name} off by {error:E2} of the largest gradient");
            }
            reference.to(float32);
        }
    }

    [Theory]
    [MemberData(nameof(Tiny))]
    public void Saved_weights_load_to_the_same_output(string key, Dictionary<string, string> given)
    {
        var network = Registry.Definition(key);
        var p = network.ResolveParameters(given);
        var path = Path.Combine(Path.GetTempPath(), $"weights-{Guid.NewGuid():N}.dat");
        try
        {
            using var a = network.Build(p);
            a.eval();
            a.save(path);
            using var b = network.Build(p);
            b.load(path);
            b.eval();
            using var x = randn(1, 1, 32, 32);
            using var ya = a.forward(x);
            using var yb = b.forward(x);
            Assert.Equal(0, (ya - yb).abs().max().item<float>(), 6);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [MemberData(nameof(Tiny))]
    public void A_training_step_and_a_prediction_leak_no_tensors(string key, Dictionary<string, string> given)
    {
        var network = Registry.Definition(key);
        var p = network.ResolveParameters(given);
        var plan = network.PrepareTraining(p, Samples(key), _ => { });
        using var module = network.Build(p);
        using var optimizer = optim.Adam(module.parameters(), 1e-3);
        var random = new Random(1);
        void Step()
        {
            using var scope = NewDisposeScope();
            var (input, target) = plan.TrainingBatch(2, random);
            var loss = plan.Loss(module.forward(input), target);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
        Step(); // Adam allocates its state on the first step
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Step();
        Step();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        var weights = Path.Combine(Path.GetTempPath(), $"weights-{Guid.NewGuid():N}.dat");
        module.save(weights);
        var config = new ModelConfig(ModelConfig.CurrentVersion, key, new(p.Values), new(plan.State));
        using var loaded = new LoadedModel(network, config, weights, CPU);
        File.Delete(weights);
        var image = SyntheticImages.Pair("x", 50, 70, 9).Source;
        loaded.Predict(image, 32, 8, 0, null, CancellationToken.None);
        before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        loaded.Predict(image, 32, 8, 0, null, CancellationToken.None);
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Tiled_prediction_matches_whole_image_prediction()
    {
        var network = Registry.Definition("care-2d");
        var p = network.ResolveParameters(new Dictionary<string, string> { ["unet_depth"] = "2", ["unet_base_filters"] = "8", ["unet_kern_size"] = "3", ["loss"] = "mae" });
        manual_seed(11);
        using var module = network.Build(p);
        var weights = Path.Combine(Path.GetTempPath(), $"weights-{Guid.NewGuid():N}.dat");
        module.save(weights);
        var config = new ModelConfig(ModelConfig.CurrentVersion, "care-2d", new(p.Values), new() { ["percentile_low"] = "1", ["percentile_high"] = "99.8" });
        using var loaded = new LoadedModel(network, config, weights, CPU);
        File.Delete(weights);
        var image = SyntheticImages.Pair("x", 150, 203, 4).Source;
        var whole = loaded.Predict(image, 1024, 0, 0, null, CancellationToken.None)[0].Image.Pixels;
        var tiled = loaded.Predict(image, 64, 0, 0, null, CancellationToken.None)[0].Image.Pixels;
        Assert.Equal(whole.Length, tiled.Length);
        double range = whole.Max() - whole.Min(), worst = 0, sum = 0;
        for (int i = 0; i < whole.Length; i++)
        {
            double d = Math.Abs(whole[i] - tiled[i]);
            worst = Math.Max(worst, d);
            sum += d;
        }
        // The default overlap (csbdeep's receptive-field table) with margins and blending leaves no visible seams.
        Assert.True(worst < 1e-3 * range, $"max difference {worst} of range {range}");
        Assert.True(sum / whole.Length < 1e-4 * range, $"mean difference {sum / whole.Length}");
    }

    [Fact]
    public void Unknown_and_out_of_range_parameters_are_named()
    {
        var network = Registry.Definition("care-2d");
        var error = Assert.Throws<Errors.InvalidInputException>(() => network.ResolveParameters(
            new Dictionary<string, string> { ["foo"] = "1", ["epochs"] = "-3", ["loss"] = "huber", ["patch_size"] = "60" }));
        var fields = error.Violations.Select(v => v.Field).ToHashSet();
        Assert.Contains("foo", fields);
        Assert.Contains("epochs", fields);
        Assert.Contains("loss", fields);
        Assert.DoesNotContain("patch_size", fields); // cross-field checks run after every field is valid
        var divisibility = Assert.Throws<Errors.InvalidInputException>(() => network.ResolveParameters(new Dictionary<string, string> { ["patch_size"] = "60" }));
        Assert.Equal("patch_size", divisibility.Violations.Single().Field);
    }
}
