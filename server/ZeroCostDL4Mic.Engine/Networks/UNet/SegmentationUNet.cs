using TorchSharp;
using TorchSharp.Modules;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Engine.Export.Onnx;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks.UNet;

/// <summary>
/// The ZeroCostDL4Mic U-Net 2D (Keras unet()): 3×3 he_normal convs without BN, dropout 0.5 from the fourth
/// level, up-sampling followed by a 2×2 conv, concat([skip, up]), a linear top level ending in a 2-channel
/// conv, and a 1×1 conv to one logit (the sigmoid is applied by the loss and at prediction).
/// </summary>
public sealed class SegmentationUNet : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    readonly ModuleList<ConvBlock> encoder = new();
    readonly ModuleList<ConvBlock> upConvs = new();
    readonly ModuleList<ConvBlock> decoder = new();
    readonly ModuleList<ConvBlock> top = new();
    readonly Conv2d logit;
    readonly Dropout dropout = nn.Dropout(0.5);
    readonly int depth;

    public SegmentationUNet(int depth, int baseFilters) : base("SegmentationUNet")
    {
        this.depth = depth;
        long inCh = 1;
        for (int level = 0; level <= depth; level++)
        {
            long width = (long)baseFilters << level;
            encoder.Add(new ConvBlock($"enc{level}a", inCh, width, 3, false, true, ConvInit.HeNormal));
            encoder.Add(new ConvBlock($"enc{level}b", width, width, 3, false, true, ConvInit.HeNormal));
            inCh = width;
        }
        for (int level = depth - 1; level >= 1; level--)
        {
            long width = (long)baseFilters << level;
            upConvs.Add(new ConvBlock($"up{level}", width * 2, width, 2, false, true, ConvInit.HeNormal));
            decoder.Add(new ConvBlock($"dec{level}a", width * 2, width, 3, false, true, ConvInit.HeNormal));
            decoder.Add(new ConvBlock($"dec{level}b", width, width, 3, false, true, ConvInit.HeNormal));
        }
        long f = baseFilters;
        upConvs.Add(new ConvBlock("up0", f * 2, f, 2, false, false, ConvInit.HeNormal));
        top.Add(new ConvBlock("top_a", f * 2, f, 3, false, false, ConvInit.HeNormal));
        top.Add(new ConvBlock("top_b", f, f, 3, false, false, ConvInit.HeNormal));
        top.Add(new ConvBlock("top_c", f, 2, 3, false, false, ConvInit.HeNormal));
        logit = nn.Conv2d(2, 1, 1);
        nn.init.xavier_uniform_(logit.weight);
        nn.init.zeros_(logit.bias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var skips = new List<Tensor>();
        var x = input;
        for (int level = 0; level <= depth; level++)
        {
            if (level > 0) x = nn.functional.max_pool2d(x, 2);
            x = encoder[2 * level + 1].forward(encoder[2 * level].forward(x));
            if (level >= 3) x = dropout.forward(x); // the original's Dropout(0.5) on the 4th and 5th levels
            skips.Add(x);
        }
        int d = 0;
        for (int level = depth - 1; level >= 0; level--, d++)
        {
            var up = upConvs[d].forward(nn.functional.interpolate(x, scale_factor: new double[] { 2, 2 }, mode: InterpolationMode.Nearest));
            x = cat(new[] { skips[level], up }, 1);
            x = level > 0
                ? decoder[2 * d + 1].forward(decoder[2 * d].forward(x))
                : top[2].forward(top[1].forward(top[0].forward(x)));
        }
        return logit.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>The same graph as forward, node for node.</summary>
    public string ExportOnnx(OnnxGraphBuilder graph, string input)
    {
        var skips = new List<string>();
        var x = input;
        for (int level = 0; level <= depth; level++)
        {
            if (level > 0) x = graph.MaxPool(x, new long[] { 2, 2 }, new long[] { 2, 2 });
            x = graph.Layer(encoder[2 * level + 1], $"encoder.{2 * level + 1}", graph.Layer(encoder[2 * level], $"encoder.{2 * level}", x));
            if (level >= 3) x = graph.Layer(dropout, "dropout", x);
            skips.Add(x);
        }
        int d = 0;
        for (int level = depth - 1; level >= 0; level--, d++)
        {
            var up = graph.Layer(upConvs[d], $"upConvs.{d}", graph.UpsampleNearest(x, 2, 2));
            x = graph.Concat(1, skips[level], up);
            x = level > 0
                ? graph.Layer(decoder[2 * d + 1], $"decoder.{2 * d + 1}", graph.Layer(decoder[2 * d], $"decoder.{2 * d}", x))
                : graph.Layer(top[2], "top.2", graph.Layer(top[1], "top.1", graph.Layer(top[0], "top.0", x)));
        }
        return graph.Layer(logit, "logit", x);
    }
}
