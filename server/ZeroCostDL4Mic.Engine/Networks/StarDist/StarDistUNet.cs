using TorchSharp;
using TorchSharp.Modules;
using ZeroCostDL4Mic.Engine.Export.Onnx;
using ZeroCostDL4Mic.Engine.Networks.Common;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks.StarDist;

/// <summary>Shape of the StarDist 2D network (stardist Config2D: backbone 'unet').</summary>
public sealed record StarDistShape(int Rays, int Grid, int Depth, int BaseFilters, int KernelSize, int FeatureChannels);

/// <summary>
/// stardist's Keras model: a grid stem (conv×2 + max-pool per factor 2 of the grid), a U-Net (conv×2 per level,
/// middle conv(16f) → conv(8f) for depth 3, nearest up-sampling, concat[up, skip]), a 3×3 feature conv and two 1×1
/// heads at grid resolution: the object probability (as a logit; the sigmoid is in the loss and the inference
/// head) and the R ray distances (linear). Output channels: [prob logit, d_0 .. d_{R-1}].
/// </summary>
public sealed class StarDistUNet : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    readonly ModuleList<ConvBlock> stem = new();
    readonly ModuleList<ConvBlock> encoder = new();
    readonly ModuleList<ConvBlock> middle = new();
    readonly ModuleList<ConvBlock> decoder = new();
    readonly ConvBlock features;
    readonly Conv2d probHead;
    readonly Conv2d distHead;
    readonly StarDistShape shape;

    public StarDistUNet(StarDistShape shape) : base("StarDistUNet")
    {
        this.shape = shape;
        int f = shape.BaseFilters, k = shape.KernelSize, depth = shape.Depth;
        long inCh = 1;
        for (int g = 1, i = 0; g < shape.Grid; g *= 2, i++)
        {
            stem.Add(new ConvBlock($"stem{i}a", inCh, f, k, false, true));
            stem.Add(new ConvBlock($"stem{i}b", f, f, k, false, true));
            inCh = f;
        }
        for (int level = 0; level < depth; level++)
        {
            long width = (long)f << level;
            encoder.Add(new ConvBlock($"down{level}a", inCh, width, k, false, true));
            encoder.Add(new ConvBlock($"down{level}b", width, width, k, false, true));
            inCh = width;
        }
        // csbdeep unet_block: the middle has n_conv_per_depth−1 convs at f·2^depth, then one at f·2^(depth−1).
        middle.Add(new ConvBlock("middle_a", inCh, (long)f << depth, k, false, true));
        middle.Add(new ConvBlock("middle_b", (long)f << depth, (long)f << Math.Max(0, depth - 1), k, false, true));
        long upCh = (long)f << Math.Max(0, depth - 1);
        for (int level = depth - 1; level >= 0; level--)
        {
            long skip = (long)f << level;
            decoder.Add(new ConvBlock($"up{level}a", upCh + skip, skip, k, false, true));
            long next = (long)f << Math.Max(0, level - 1);
            decoder.Add(new ConvBlock($"up{level}b", skip, next, k, false, true));
            upCh = next;
        }
        features = new ConvBlock("features", upCh, shape.FeatureChannels, k, false, true);
        probHead = nn.Conv2d(shape.FeatureChannels, 1, 1);
        distHead = nn.Conv2d(shape.FeatureChannels, shape.Rays, 1);
        foreach (var head in new[] { probHead, distHead })
        {
            nn.init.xavier_uniform_(head.weight);
            nn.init.zeros_(head.bias);
        }
        RegisterComponents();
    }

    public StarDistShape Shape => shape;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        for (int i = 0; i < stem.Count; i += 2)
            x = nn.functional.max_pool2d(stem[i + 1].forward(stem[i].forward(x)), 2);
        var skips = new List<Tensor>();
        for (int level = 0; level < shape.Depth; level++)
        {
            x = encoder[2 * level + 1].forward(encoder[2 * level].forward(x));
            skips.Add(x);
            x = nn.functional.max_pool2d(x, 2);
        }
        x = middle[1].forward(middle[0].forward(x));
        for (int level = shape.Depth - 1, d = 0; level >= 0; level--, d++)
        {
            var up = nn.functional.interpolate(x, scale_factor: new double[] { 2, 2 }, mode: InterpolationMode.Nearest);
            x = cat(new[] { up, skips[level] }, 1);
            x = decoder[2 * d + 1].forward(decoder[2 * d].forward(x));
        }
        x = features.forward(x);
        return cat(new[] { probHead.forward(x), distHead.forward(x) }, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The same graph as forward, node for node.</summary>
    public string ExportOnnx(OnnxGraphBuilder graph, string input)
    {
        var x = input;
        for (int i = 0; i < stem.Count; i += 2)
            x = graph.MaxPool(graph.Layer(stem[i + 1], $"stem.{i + 1}", graph.Layer(stem[i], $"stem.{i}", x)), new long[] { 2, 2 }, new long[] { 2, 2 });
        var skips = new List<string>();
        for (int level = 0; level < shape.Depth; level++)
        {
            x = graph.Layer(encoder[2 * level + 1], $"encoder.{2 * level + 1}", graph.Layer(encoder[2 * level], $"encoder.{2 * level}", x));
            skips.Add(x);
            x = graph.MaxPool(x, new long[] { 2, 2 }, new long[] { 2, 2 });
        }
        x = graph.Layer(middle[1], "middle.1", graph.Layer(middle[0], "middle.0", x));
        for (int level = shape.Depth - 1, d = 0; level >= 0; level--, d++)
        {
            x = graph.Concat(1, graph.UpsampleNearest(x, 2, 2), skips[level]);
            x = graph.Layer(decoder[2 * d + 1], $"decoder.{2 * d + 1}", graph.Layer(decoder[2 * d], $"decoder.{2 * d}", x));
        }
        x = graph.Layer(features, "features", x);
        return graph.Concat(1, graph.Layer(probHead, "probHead", x), graph.Layer(distHead, "distHead", x));
    }
}
