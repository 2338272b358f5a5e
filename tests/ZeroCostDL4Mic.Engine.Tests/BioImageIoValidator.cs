using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using YamlDotNet.Serialization;
using ZeroCostDL4Mic.Engine.Export.BioImageIo;
using ZeroCostDL4Mic.Imaging;

namespace ZeroCostDL4Mic.Engine.Tests;

/// <summary>
/// What bioimage.io's test_model checks and can be done here, written independently of the exporter: rdf.yaml at
/// the zip root, every referenced file present with its sha256, the DeepImageJ must-haves (id, axis ids,
/// allow_tiling, IR 8 / opset 17), test_input through the declared pre-processing, the weights (ONNX Runtime) and
/// the declared post-processing equals test_output (|a-e| &lt;= 1e-3 + 1e-3|e|), and inputs of sizes min + n*step
/// (n = 0, 1, 2) with batch 1 and 2 give outputs of the declared shape.
/// </summary>
sealed class BioImageIoValidator
{
    readonly Dictionary<string, byte[]> files;

    public BioImageIoValidator(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        files = archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        });
        Assert.All(files.Keys, name => Assert.DoesNotContain('/', name)); // flat
        Assert.True(files.ContainsKey("rdf.yaml"), "rdf.yaml is not at the zip root");
        Rdf = (Dictionary<object, object>)new DeserializerBuilder().Build().Deserialize<object>(System.Text.Encoding.UTF8.GetString(files["rdf.yaml"]))!;
    }

    public Dictionary<object, object> Rdf { get; }
    public IReadOnlyDictionary<string, byte[]> Files => files;
    public bool V05 => Text(Rdf, "format_version").StartsWith("0.5.", StringComparison.Ordinal);

    public void Validate()
    {
        Assert.Equal("model", Text(Rdf, "type"));
        Assert.Matches("^0\\.(4|5)\\.[0-9]+$", Text(Rdf, "format_version"));
        Assert.Matches("^[a-z0-9_\\-/.]+$", Text(Rdf, "id"));
        Assert.Matches("^[A-Za-z0-9 _+\\-()]{5,128}$", Text(Rdf, "name"));
        Assert.Equal("true", Text(Map(Map(Rdf, "config"), "deepimagej"), "allow_tiling"));
        var doc = System.Text.Encoding.UTF8.GetString(File(Text(Rdf, "documentation")));
        Assert.Contains("# Validation", doc);
        foreach (var cover in List(Rdf, "covers")) File((string)cover);
        Assert.Contains(List(Rdf, "cite").Cast<Dictionary<object, object>>(), c => c.TryGetValue("doi", out var d) && (string)d == "10.1038/s41467-021-22518-0");

        var weights = Map(Map(Rdf, "weights"), "onnx");
        var onnx = Checked(Text(weights, "source"), Text(weights, "sha256"));
        Assert.Equal("17", Text(weights, "opset_version"));
        var proto = ModelProto.Parser.ParseFrom(onnx);
        Assert.Equal(8, proto.IrVersion);
        Assert.Equal(17, proto.OpsetImport.Single().Version);

        var input = (Dictionary<object, object>)List(Rdf, "inputs").Single();
        var output = (Dictionary<object, object>)List(Rdf, "outputs").Single();
        byte[] testInput, testOutput;
        if (V05)
        {
            foreach (var attachment in Rdf.TryGetValue("attachments", out var a) ? (List<object>)a : new List<object>())
                Checked(Text((Dictionary<object, object>)attachment, "source"), Text((Dictionary<object, object>)attachment, "sha256"));
            foreach (var tensor in new[] { input, output })
            {
                Assert.True(Text(tensor, "description").Length <= 128, $"the description of {Text(tensor, "id")} is over 128 characters");
                foreach (Dictionary<object, object> axis in List(tensor, "axes"))
                    if (Text(axis, "type") != "batch") Assert.True(axis.ContainsKey("id"), $"axis {Text(axis, "type")} of {Text(tensor, "id")} has no id");
            }
            testInput = Checked(Text(Map(input, "test_tensor"), "source"), Text(Map(input, "test_tensor"), "sha256"));
            testOutput = Checked(Text(Map(output, "test_tensor"), "source"), Text(Map(output, "test_tensor"), "sha256"));
        }
        else
        {
            Assert.Equal("bcyx", Text(input, "axes"));
            testInput = File((string)List(Rdf, "test_inputs").Single());
            testOutput = File((string)List(Rdf, "test_outputs").Single());
        }

        // 1. reproduce test_output from test_input
        var (x, xShape) = NpyFile.Read(testInput, "test_input");
        var (expected, eShape) = NpyFile.Read(testOutput, "test_output");
        var (actual, aShape) = Run(onnx, input, output, x, xShape);
        Assert.Equal(eShape, aShape);
        int mismatched = 0;
        for (int i = 0; i < expected.Length; i++)
            if (Math.Abs(actual[i] - expected[i]) > 1e-3 + 1e-3 * Math.Abs(expected[i])) mismatched++;
        Assert.True(mismatched == 0, $"{mismatched} of {expected.Length} elements differ from test_output beyond 1e-3");
        Assert.Contains(expected, v => Math.Abs(v) > 1e-4);

        // 2. the declared sizes: min + n*step with batch 1 and 2
        var (min, step) = Sizes(input);
        foreach (int batch in new[] { 1, 2 })
            for (int n = 0; n <= 2; n++)
            {
                long side = min + n * step;
                var shape = new long[] { batch, 1, side, side + (n == 1 ? step : 0) };
                var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
                var random = new Random(n + 10 * batch);
                for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 200);
                var (_, outShape) = Run(onnx, input, output, data, shape);
                Assert.Equal(DeclaredOutputShape(output, shape), outShape);
            }
    }

    /// <summary>The output shape rdf.yaml declares for an input shape: 0.5 channel names and size references, 0.4 reference·scale + 2·offset.</summary>
    long[] DeclaredOutputShape(Dictionary<object, object> output, long[] inputShape)
    {
        if (!V05)
        {
            var shape = Map(output, "shape");
            Assert.Equal("input", Text(shape, "reference_tensor"));
            var scale = List(shape, "scale").Select(v => double.Parse((string)v, CultureInfo.InvariantCulture)).ToArray();
            var offset = List(shape, "offset").Select(v => double.Parse((string)v, CultureInfo.InvariantCulture)).ToArray();
            return inputShape.Select((s, i) => (long)Math.Round(s * scale[i] + 2 * offset[i])).ToArray();
        }
        var axes = List(output, "axes").Cast<Dictionary<object, object>>().ToList();
        Assert.Equal(new[] { "batch", "channel", "space", "space" }, axes.Select(a => Text(a, "type")));
        var channels = List(axes[1], "channel_names").Count;
        var result = new[] { inputShape[0], channels, 0L, 0L };
        foreach (int i in new[] { 2, 3 })
        {
            var size = Map(axes[i], "size");
            Assert.Equal("input", Text(size, "tensor_id"));
            Assert.Equal(i == 2 ? "y" : "x", Text(size, "axis_id"));
            Assert.False(axes[i].ContainsKey("scale"), "a scaled output axis is misread by DeepImageJ (JDLL)");
            result[i] = inputShape[i];
        }
        return result;
    }

    (long Min, long Step) Sizes(Dictionary<object, object> input)
    {
        if (V05)
        {
            var y = List(input, "axes").Cast<Dictionary<object, object>>().Single(a => a.TryGetValue("id", out var id) && (string)id == "y");
            var size = Map(y, "size");
            return (long.Parse(Text(size, "min"), CultureInfo.InvariantCulture), long.Parse(Text(size, "step"), CultureInfo.InvariantCulture));
        }
        var shape = Map(input, "shape");
        return (long.Parse((string)List(shape, "min")[2], CultureInfo.InvariantCulture), long.Parse((string)List(shape, "step")[2], CultureInfo.InvariantCulture));
    }

    (float[] Data, long[] Shape) Run(byte[] onnx, Dictionary<object, object> input, Dictionary<object, object> output, float[] raw, long[] shape)
    {
        var data = (float[])raw.Clone();
        foreach (Dictionary<object, object> step in Steps(input, "preprocessing")) Apply(step, data, shape);
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(onnx, options);
        var tensor = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(data, shape.Select(s => (int)s).ToArray());
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), tensor) });
        var result = results.First().AsTensor<float>();
        var outData = result.ToArray();
        var outShape = result.Dimensions.ToArray().Select(d => (long)d).ToArray();
        foreach (Dictionary<object, object> step in Steps(output, "postprocessing")) Apply(step, outData, outShape);
        return (outData, outShape);
    }

    static IEnumerable<object> Steps(Dictionary<object, object> tensor, string key) =>
        tensor.TryGetValue(key, out var steps) ? (List<object>)steps : Enumerable.Empty<object>();

    /// <summary>bioimageio.core's processing for one sample at a time (axes channel, y, x).</summary>
    void Apply(Dictionary<object, object> step, float[] data, long[] shape)
    {
        string id = V05 ? Text(step, "id") : Text(step, "name");
        var kwargs = step.TryGetValue("kwargs", out var k) ? (Dictionary<object, object>)k : new Dictionary<object, object>();
        double D(string key) => double.Parse(Text(kwargs, key), CultureInfo.InvariantCulture);
        int sample = (int)(data.Length / shape[0]);
        switch (id)
        {
            case "scale_range":
                for (int b = 0; b < shape[0]; b++)
                {
                    var span = data.AsSpan(b * sample, sample);
                    var p = Percentiles.Compute(span, D("min_percentile"), D("max_percentile"));
                    double eps = kwargs.ContainsKey("eps") ? D("eps") : 1e-6;
                    for (int i = 0; i < span.Length; i++) span[i] = (float)((span[i] - p[0]) / (p[1] - p[0] + eps));
                }
                break;
            case "fixed_zero_mean_unit_variance":
            case "zero_mean_unit_variance" when Text(kwargs, "mode") == "fixed":
                for (int i = 0; i < data.Length; i++) data[i] = (float)((data[i] - D("mean")) / D("std"));
                break;
            case "scale_linear":
                for (int i = 0; i < data.Length; i++) data[i] = (float)(data[i] * D("gain") + D("offset"));
                break;
            case "binarize":
                for (int i = 0; i < data.Length; i++) data[i] = data[i] > D("threshold") ? 1 : 0;
                break;
            case "sigmoid":
                for (int i = 0; i < data.Length; i++) data[i] = 1 / (1 + MathF.Exp(-data[i]));
                break;
            default:
                Assert.Fail($"processing '{id}' is not one DeepImageJ runs");
                break;
        }
    }

    byte[] File(string name)
    {
        Assert.True(files.TryGetValue(name, out var bytes), $"{name} is referenced by rdf.yaml but missing from the zip");
        return bytes!;
    }

    byte[] Checked(string name, string sha256)
    {
        var bytes = File(name);
        Assert.Equal(sha256, Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant());
        return bytes;
    }

    public static Dictionary<object, object> Map(Dictionary<object, object> map, string key) =>
        Assert.IsType<Dictionary<object, object>>(map.TryGetValue(key, out var v) ? v : null);

    public static List<object> List(Dictionary<object, object> map, string key) =>
        Assert.IsType<List<object>>(map.TryGetValue(key, out var v) ? v : null);

    public static string Text(Dictionary<object, object> map, string key) =>
        Assert.IsType<string>(map.TryGetValue(key, out var v) ? v : null);
}
