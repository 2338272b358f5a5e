using TorchSharp;
using TorchSharp.Modules;
using ZeroCostDL4Mic.Engine.Export.Onnx;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks.Common;

/// <summary>Shape of the CSBDeep-family U-Net used by CARE and Noise2Void.</summary>
public sealed record RestorationUNetShape(
    int Depth, int BaseFilters, int KernelSize, bool BatchNorm, bool Residual, bool Probabilistic,
    bool Noise2VoidDecoder, int Channels = 1);

/// <summary>
/// csbdeep's custom_unet / n2v's unet_blocks: encoder 2×conv per level, middle, decoder concat([up, skip]),
/// 1×1 head (+ input when residual), optional Laplace scale head (softplus + 1e-3). Output: mean channels
/// then, when probabilistic, scale channels.
/// </summary>
public sealed class RestorationUNet : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    readonly ModuleList<ConvBlock> encoder = new();
    readonly ModuleList<ConvBlock> middle = new();
    readonly ModuleList<ConvBlock> decoder = new();
    readonly Conv2d meanHead;
    readonly Conv2d? scaleHead;
    readonly RestorationUNetShape shape;

    public RestorationUNet(RestorationUNetShape shape) : base("RestorationUNet")
    {
        this.shape = shape;
        int f = shape.BaseFilters, k = shape.KernelSize, d = shape.Depth;
        long inCh = shape.Channels;
        for (int n = 0; n < d; n++)
        {
            long width = f << n;
            encoder.Add(new ConvBlock($"enc{n}a", inCh, width, k, shape.BatchNorm, true));
            encoder.Add(new ConvBlock($"enc{n}b", width, width, k, shape.BatchNorm, true));
            inCh = width;
        }
        middle.Add(new ConvBlock("mid_a", inCh, (long)f << d, k, shape.BatchNorm, true));
        middle.Add(new ConvBlock("mid_b", (long)f << d, (long)f << Math.Max(0, d - 1), k, shape.BatchNorm, true));
        long current = (long)f << Math.Max(0, d - 1);
        for (int n = d - 1; n >= 0; n--)
        {
            long skip = (long)f << n;
            // n2v quirk (skip_skipone False): the first conv of every up level has n_first filters.
            long first = shape.Noise2VoidDecoder ? f : (long)f << n;
            long second = (long)f << Math.Max(0, n - 1);
            decoder.Add(new ConvBlock($"dec{n}a", current + skip, first, k, shape.BatchNorm, true));
            decoder.Add(new ConvBlock($"dec{n}b", first, second, k, shape.BatchNorm, true));
            current = second;
        }
        meanHead = nn.Conv2d(current, shape.Channels, 1);
        nn.init.xavier_uniform_(meanHead.weight);
        nn.init.zeros_(meanHead.bias);
        if (shape.Probabilistic)
        {
            scaleHead = nn.Conv2d(current, shape.Channels, 1);
            nn.init.xavier_uniform_(scaleHead.weight);
            nn.init.zeros_(scaleHead.bias);
        }
        RegisterComponents();
    }

    public int Divisor => 1 << shape.Depth;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var skips = new List<Tensor>();
        var x = input;
        for (int n = 0; n < shape.Depth; n++)
        {
            x = encoder[2 * n + 1].forward(encoder[2 * n].forward(x));
            skips.Add(x);
            x = nn.functional.max_pool2d(x, 2);
        }
        x = middle[1].forward(middle[0].forward(x));
        for (int i = 0; i < shape.Depth; i++)
        {
            int n = shape.Depth - 1 - i;
            var up = nn.functional.interpolate(x, scale_factor: new double[] { 2, 2 }, mode: InterpolationMode.Nearest);
            x = cat(new[] { up, skips[n] }, 1);
            x = decoder[2 * i + 1].forward(decoder[2 * i].forward(x));
        }
        var mean = meanHead.forward(x);
        if (shape.Residual) mean = mean + input;
        if (scaleHead is null) return mean.MoveToOuterDisposeScope();
        var scale = nn.functional.softplus(scaleHead.forward(x)) + 1e-3;
        return cat(new[] { mean, scale }, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The same graph as forward, node for node.</summary>
    public string ExportOnnx(OnnxGraphBuilder graph, string input)
    {
        var skips = new List<string>();
        var x = input;
        for (int n = 0; n < shape.Depth; n++)
        {
            x = graph.Layer(encoder[2 * n + 1], $"encoder.{2 * n + 1}", graph.Layer(encoder[2 * n], $"encoder.{2 * n}", x));
            skips.Add(x);
            x = graph.MaxPool(x, new long[] { 2, 2 }, new long[] { 2, 2 });
        }
        x = graph.Layer(middle[1], "middle.1", graph.Layer(middle[0], "middle.0", x));
        for (int i = 0; i < shape.Depth; i++)
        {
            int n = shape.Depth - 1 - i;
            x = graph.Concat(1, graph.UpsampleNearest(x, 2, 2), skips[n]);
            x = graph.Layer(decoder[2 * i + 1], $"decoder.{2 * i + 1}", graph.Layer(decoder[2 * i], $"decoder.{2 * i}", x));
        }
        var mean = graph.Layer(meanHead, "meanHead", x);
        if (shape.Residual) mean = graph.Add(mean, input);
        if (scaleHead is null) return mean;
        var scale = graph.AddScalar(graph.Softplus(graph.Layer(scaleHead, "scaleHead", x)), 1e-3f);
        return graph.Concat(1, mean, scale);
    }
}
