using Onnx;
using TorchSharp;
using ZeroCostDL4Mic.Engine.Export.Onnx;
using ZeroCostDL4Mic.Engine.Networks.Common;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Tests;

/// <summary>The ONNX writer: every network's export equals TorchSharp in ONNX Runtime 1.31 on a real image.</summary>
public class OnnxExportTests
{
    /// <summary>Every registered network: a new one is exported and checked without touching this test.</summary>
    public static TheoryData<string> Networks => new(ExportTestKit.Registry.List().Select(n => n.Key));

    /// <summary>StarDist's tiled prediction with both backends is compared in StarDistTests (objects, not pixels).</summary>
    public static TheoryData<string> PixelNetworks => new() { "care-2d", "n2v-2d", "unet-2d" };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Export_matches_TorchSharp_in_OnnxRuntime_on_a_real_image(string key)
    {
        using var model = ExportTestKit.Train(key);
        var onnx = OnnxExporter.Export(model.Network, model.Module, model.Divisor);

        // A batch of two different EM crops of a size that is not square; normalised as the server does.
        int h = 96, w = 128;
        var input = new float[2 * h * w];
        for (int b = 0; b < 2; b++)
        {
            var crop = ExportTestKit.EmCrop(h, w, 50 + 170 * b, 40 + 90 * b);
            model.Network.Normalize(crop.Pixels, model.Config.State).Pixels.CopyTo(input, b * h * w);
        }
        var (expected, expectedShape) = ExportTestKit.Torch(model, input, new long[] { 2, 1, h, w });
        var (actual, shape) = ExportTestKit.Ort(onnx, input, new[] { 2, 1, h, w });

        // One channel at the input's size; StarDist: probability and n_rays distances on its grid.
        int grid = model.Network.OutputGrid(model.Parameters);
        long channels = key == "stardist-2d" ? 1 + model.Parameters.Int("n_rays") : 1;
        Assert.Equal(new long[] { 2, channels, h / grid, w / grid }, expectedShape);
        Assert.Equal(expectedShape, shape.Select(d => (long)d));
        double error = ExportTestKit.MaxRelativeError(actual, expected);
        Assert.True(error < 1e-4, $"{key}: max relative error {error:E2}");
        ExportTestKit.WriteFixture(key, onnx, input, new long[] { 2, 1, h, w }, expected, expectedShape);
    }

    [Theory]
    [MemberData(nameof(PixelNetworks))]
    public void OnnxRuntime_backend_predicts_like_TorchSharp_with_the_same_tiling(string key)
    {
        using var model = ExportTestKit.Train(key, steps: 2);
        var weights = Path.Combine(Path.GetTempPath(), $"weights-{Guid.NewGuid():N}.dat");
        model.Module.save(weights);
        try
        {
            using var torch = new Inference.LoadedModel(model.Network, model.Config, weights, CPU, Api.InferenceBackend.Torch);
            using var onnx = new Inference.LoadedModel(model.Network, model.Config, weights, CPU, Api.InferenceBackend.Onnx);
            var image = ExportTestKit.EmCrop(150, 131); // not a multiple of the divisor, several tiles
            var expected = torch.Predict(image, 64, 0, 0, null, CancellationToken.None);
            var actual = onnx.Predict(image, 64, 0, 0, null, CancellationToken.None);
            Assert.Equal(expected.Select(o => o.Kind), actual.Select(o => o.Kind));
            foreach (var ((_, e), (kind, a)) in expected.Zip(actual))
            {
                double error = ExportTestKit.MaxRelativeError(a.Pixels, e.Pixels);
                Assert.True(kind == Api.OutputKind.Mask ? a.Pixels.Zip(e.Pixels).Count(p => p.First != p.Second) < 5 : error < 1e-4, $"{key} {kind}: {error:E2}");
            }
        }
        finally { File.Delete(weights); }
    }

    [Fact]
    public void Header_is_IR_8_opset_17_with_symbolic_batch_y_x_and_weights_inside()
    {
        using var model = ExportTestKit.Train("n2v-2d", steps: 1);
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.Export(model.Network, model.Module, model.Divisor));
        Assert.Equal(8, proto.IrVersion);
        Assert.Equal(17, proto.OpsetImport.Single().Version);
        Assert.Equal("", proto.OpsetImport.Single().Domain);
        foreach (var value in new[] { proto.Graph.Input.Single(), proto.Graph.Output.Single() })
        {
            var dims = value.Type.TensorType.Shape.Dim;
            Assert.Equal((int)TensorProto.Types.DataType.Float, value.Type.TensorType.ElemType);
            Assert.Equal(new[] { "batch", "", "y", "x" }, dims.Select(d => d.DimParam));
            Assert.Equal(1, dims[1].DimValue);
        }
        Assert.Equal(new[] { "input" }, proto.Graph.Input.Select(i => i.Name));
        Assert.Equal(new[] { "output" }, proto.Graph.Output.Select(i => i.Name));
        Assert.All(proto.Graph.Initializer, t => Assert.Empty(t.ExternalData));
        Assert.Contains(proto.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.Equal(proto.Graph.Node.Count, proto.Graph.Node.Select(n => n.Name).Distinct().Count());
    }

    [Fact]
    public void An_unmapped_layer_fails_naming_its_type_and_path()
    {
        using var module = new WithUnmappedLayer();
        var network = ExportTestKit.Registry.Definition("care-2d");
        var error = Assert.Throws<UnmappedLayerException>(() => OnnxExporter.Export(network, module, 4));
        Assert.Equal("GELU", error.LayerType);
        Assert.Equal("WithUnmappedLayer/activation", error.LayerPath);
        Assert.Contains("'GELU'", error.Message);

        using var sequential = nn.Sequential(("conv", nn.Conv2d(1, 1, 3, padding: 1)), ("smooth", nn.AvgPool2d(2)));
        var inSequence = Assert.Throws<UnmappedLayerException>(() => OnnxExporter.Export(network, sequential, 4));
        Assert.Equal("AvgPool2d", inSequence.LayerType);
        Assert.EndsWith("/smooth", inSequence.LayerPath);
    }

    /// <summary>
    /// A network built only from mapped layers, in a Sequential, exports with no ONNX code of its own: every layer
    /// type the mapper table covers (transposed convolution, ELU, tanh, nearest up-sampling, softmax included) gives
    /// TorchSharp's numbers in ONNX Runtime.
    /// </summary>
    [Fact]
    public void A_sequential_of_mapped_layers_exports_without_code_of_its_own()
    {
        manual_seed(4);
        using var module = nn.Sequential(
            ("conv", nn.Conv2d(1, 8, 3, padding: 1)), ("norm", nn.BatchNorm2d(8)), ("elu", nn.ELU(0.7)),
            ("pool", nn.MaxPool2d(2)), ("leaky", nn.LeakyReLU(0.1)),
            ("up", nn.ConvTranspose2d(8, 4, 3, stride: 2, padding: 1, output_padding: 1)), ("tanh", nn.Tanh()),
            ("down", nn.Conv2d(4, 4, 3, stride: 2, padding: 1)), ("relu", nn.ReLU()), ("upsample", nn.Upsample(scale_factor: new[] { 2.0, 2.0 })),
            ("drop", nn.Dropout(0.3)), ("logits", nn.Conv2d(4, 3, 1)), ("softmax", nn.Softmax(1)), ("sigmoid", nn.Sigmoid()));
        // Non-trivial running statistics, so that the exported BatchNormalization is really checked.
        using (no_grad())
        {
            module.train();
            for (int i = 0; i < 3; i++) module.forward(randn(2, 1, 16, 16) * 3 + 1);
        }
        module.eval();
        var network = ExportTestKit.Registry.Definition("n2v-2d");
        var onnx = OnnxExporter.Export(network, module, 4);

        var crop = ExportTestKit.EmCrop(24, 40);
        var input = crop.Pixels.Select(v => v / 255f).ToArray();
        float[] expected;
        using (no_grad())
        using (var x = tensor(input, new long[] { 1, 1, 24, 40 }))
        using (var y = network.InferenceHead(module.forward(x)).contiguous())
            expected = y.data<float>().ToArray();
        var (actual, shape) = ExportTestKit.Ort(onnx, input, new[] { 1, 1, 24, 40 });
        Assert.Equal(new[] { 1, 1, 24, 40 }, shape);
        Assert.True(ExportTestKit.MaxRelativeError(actual, expected) < 1e-5, $"max relative error {ExportTestKit.MaxRelativeError(actual, expected):E2}");
    }

    sealed class WithUnmappedLayer : nn.Module<Tensor, Tensor>, IOnnxExportable
    {
        readonly ConvBlock block = new("block", 1, 2, 3, false, true);
        readonly TorchSharp.Modules.GELU activation = nn.GELU();

        public WithUnmappedLayer() : base(nameof(WithUnmappedLayer)) => RegisterComponents();

        public override Tensor forward(Tensor x) => activation.forward(block.forward(x));

        public string ExportOnnx(OnnxGraphBuilder graph, string input) => graph.Layer(activation, "activation", graph.Layer(block, "block", input));
    }
}
