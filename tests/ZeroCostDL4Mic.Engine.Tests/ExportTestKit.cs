using Microsoft.ML.OnnxRuntime;
using ZeroCostDL4Mic.Engine.Export.BioImageIo;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Tests;

/// <summary>Tiny trained networks, a real EM image, ONNX Runtime runs and the fixtures left for tests/onnx-node.</summary>
static class ExportTestKit
{
    public static readonly NetworkRegistry Registry = new();

    public static Dictionary<string, string> TinyParameters(string key) => key switch
    {
        "care-2d" => new() { ["unet_depth"] = "2", ["unet_base_filters"] = "4", ["unet_kern_size"] = "3", ["patch_size"] = "32", ["patches_per_image"] = "4" },
        "n2v-2d" => new() { ["unet_depth"] = "2", ["unet_base_filters"] = "4", ["patch_size"] = "32" },
        "unet-2d" => new() { ["unet_depth"] = "2", ["unet_base_filters"] = "4", ["patch_size"] = "32" },
        "stardist-2d" => new() { ["unet_depth"] = "2", ["unet_base_filters"] = "4", ["net_conv_after_unet"] = "8", ["n_rays"] = "8", ["grid"] = "2", ["patch_size"] = "32" },
        _ => throw new ArgumentException(key),
    };

    public sealed record TinyModel(NetworkDefinition Network, ParameterSet Parameters, nn.Module<Tensor, Tensor> Module, ModelConfig Config) : IDisposable
    {
        public int Divisor => Network.Divisor(Parameters);
        public void Dispose() => Module.Dispose();
    }

    /// <summary>A few Adam steps on synthetic data, so weights and BatchNorm statistics are no longer their initial values.</summary>
    public static TinyModel Train(string key, int steps = 4)
    {
        var network = Registry.Definition(key);
        var p = network.ResolveParameters(TinyParameters(key));
        IReadOnlyList<TrainingSample> samples = key switch
        {
            "unet-2d" => new[] { SyntheticImages.MaskPair("a", 64, 64, 1), SyntheticImages.MaskPair("b", 64, 64, 2) },
            "stardist-2d" => NucleiQuadrants.Training(64).Take(3).ToArray(),
            _ => new[] { SyntheticImages.Pair("a", 64, 64, 1), SyntheticImages.Pair("b", 64, 64, 2) },
        };
        var plan = network.PrepareTraining(p, samples, _ => { });
        manual_seed(7);
        var module = network.Build(p);
        module.train();
        using (var optimizer = optim.Adam(module.parameters(), 3e-3))
        {
            var random = new Random(3);
            for (int step = 0; step < steps; step++)
            {
                using var scope = NewDisposeScope();
                var (input, target) = plan.TrainingBatch(2, random);
                var loss = plan.Loss(module.forward(input), target);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }
        }
        module.eval();
        var state = new Dictionary<string, string>(plan.State);
        if (key == "unet-2d") state[Networks.UNet.UNetNetwork.ThresholdKey] = "120";
        return new TinyModel(network, p, module, new ModelConfig(ModelConfig.CurrentVersion, key, new(p.Values), state));
    }

    public static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);

    /// <summary>A crop of the real EM slice (float32, raw 8-bit values).</summary>
    public static ImageData EmCrop(int height, int width, int top = 100, int left = 60)
    {
        var em = ImageFiles.Read(TestData("em-0.png"));
        var pixels = new float[height * width];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) pixels[y * width + x] = em.Pixels[(top + y) * em.Width + left + x];
        return ImageData.Create2D(height, width, pixels);
    }

    /// <summary>TorchSharp's prediction of a normalised NCHW batch: forward, then the network's inference head.</summary>
    public static (float[] Data, long[] Shape) Torch(TinyModel model, float[] input, long[] shape)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var output = model.Network.InferenceHead(model.Module.forward(tensor(input, shape))).contiguous();
        return (output.data<float>().ToArray(), output.shape);
    }

    public static (float[] Data, int[] Shape) Ort(byte[] onnx, float[] input, int[] shape)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(onnx, options);
        var tensor = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(input, shape);
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), tensor) });
        var output = results.First().AsTensor<float>();
        return (output.ToArray(), output.Dimensions.ToArray());
    }

    /// <summary>max |a - b| / max |b|: relative to the output's range, so near-zero pixels do not dominate.</summary>
    public static double MaxRelativeError(float[] actual, float[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return worst / Math.Max(scale, 1e-12);
    }

    /// <summary>artifacts/onnx-fixtures/ at the repository root: what tests/onnx-node/run.sh checks in onnxruntime-node 1.12.1.</summary>
    public static string FixtureDirectory(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ZeroCostDL4Mic.sln"))) dir = dir.Parent;
        var root = dir?.FullName ?? Path.GetTempPath();
        var path = Path.Combine(root, "artifacts", "onnx-fixtures", name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Every registered network must leave a fixture: expected.txt beside them lists the registry's keys, so that
    /// onnx-node fails when one is missing instead of passing on the ones that are there.
    /// </summary>
    public static void WriteFixture(string name, byte[] onnx, float[] input, long[] inputShape, float[] expected, long[] expectedShape)
    {
        var dir = FixtureDirectory(name);
        var keys = Registry.List().Select(n => n.Key).Order(StringComparer.Ordinal);
        File.WriteAllLines(Path.Combine(Path.GetDirectoryName(dir)!, "expected.txt"), keys);
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), onnx);
        File.WriteAllBytes(Path.Combine(dir, "input.npy"), NpyFile.Write(input, inputShape));
        File.WriteAllBytes(Path.Combine(dir, "expected.npy"), NpyFile.Write(expected, expectedShape));
    }
}
