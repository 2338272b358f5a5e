using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Export.Onnx;

/// <summary>
/// The ONNX form of each TorchSharp leaf layer our networks use (eval mode). A layer type missing here
/// fails the export with UnmappedLayerException naming it; adding a network's new layer is one entry.
/// </summary>
public static class OnnxLayerMappers
{
    public delegate string Mapper(OnnxGraphBuilder graph, nn.Module layer, string input);

    static readonly Dictionary<Type, Mapper> Mappers = new()
    {
        [typeof(Conv2d)] = (g, m, x) => Conv((Conv2d)m, g, x),
        [typeof(ConvTranspose2d)] = (g, m, x) => ConvTranspose((ConvTranspose2d)m, g, x),
        [typeof(BatchNorm2d)] = (g, m, x) => BatchNorm((BatchNorm2d)m, g, x),
        [typeof(ReLU)] = (g, _, x) => g.Relu(x),
        [typeof(LeakyReLU)] = (g, m, x) => g.LeakyRelu(x, ((LeakyReLU)m).negative_slope),
        [typeof(ELU)] = (g, m, x) => g.Elu(x, ((ELU)m).alpha),
        [typeof(Sigmoid)] = (g, _, x) => g.Sigmoid(x),
        [typeof(Tanh)] = (g, _, x) => g.Tanh(x),
        [typeof(Softmax)] = (g, m, x) => g.Softmax(x, ((Softmax)m).dim),
        [typeof(Upsample)] = (g, m, x) => Upsample((Upsample)m, g, x),
        [typeof(MaxPool2d)] = (g, m, x) => MaxPool((MaxPool2d)m, g, x),
        // Inference graph only: dropout is the identity in eval mode.
        [typeof(Dropout)] = (_, _, x) => x,
        [typeof(Identity)] = (_, _, x) => x,
    };

    public static bool TryGet(Type layerType, out Mapper mapper) => Mappers.TryGetValue(layerType, out mapper!);

    static string Conv(Conv2d conv, OnnxGraphBuilder g, string x)
    {
        if (conv.padding_mode != PaddingModes.Zeros)
            throw new UnmappedLayerException($"Conv2d(padding_mode={conv.padding_mode})", g.CurrentPath);
        // Padding given as a mode ('same'/'valid') rather than numbers leaves padding null: not used by our networks.
        var p = conv.padding is { Length: 2 } given ? given : throw new UnmappedLayerException("Conv2d(padding mode)", g.CurrentPath);
        return g.Conv(x, conv.weight!, conv.bias, new[] { p[0], p[1], p[0], p[1] },
            conv.stride is { Length: 2 } s ? s : new long[] { 1, 1 },
            conv.dilation is { Length: 2 } d ? d : new long[] { 1, 1 }, conv.groups);
    }

    static string ConvTranspose(ConvTranspose2d conv, OnnxGraphBuilder g, string x)
    {
        if (conv.padding_mode != PaddingModes.Zeros || conv.padding is not { Length: 2 } p)
            throw new UnmappedLayerException($"ConvTranspose2d(padding_mode={conv.padding_mode})", g.CurrentPath);
        return g.ConvTranspose(x, conv.weight!, conv.bias, new[] { p[0], p[1], p[0], p[1] },
            conv.stride is { Length: 2 } s ? s : new long[] { 1, 1 },
            conv.output_padding is { Length: 2 } o ? o : new long[] { 0, 0 },
            conv.dilation is { Length: 2 } d ? d : new long[] { 1, 1 }, conv.groups);
    }

    /// <summary>Nearest up-sampling by integer factors; other modes have no exact Resize twin here yet.</summary>
    static string Upsample(Upsample upsample, OnnxGraphBuilder g, string x)
    {
        var factors = upsample.scale_factor.ToArray();
        if (upsample.mode != UpsampleMode.Nearest || factors.Length is not (1 or 2) || factors.Any(f => f != Math.Floor(f) || f < 1))
            throw new UnmappedLayerException($"Upsample(mode={upsample.mode}, scale_factor=[{string.Join(", ", factors)}])", g.CurrentPath);
        return g.UpsampleNearest(x, (float)factors[0], (float)factors[^1]);
    }

    static string BatchNorm(BatchNorm2d norm, OnnxGraphBuilder g, string x)
    {
        long n = norm.num_features;
        using var scope = NewDisposeScope();
        var weight = norm.weight ?? ones(n);
        var bias = norm.bias ?? zeros(n);
        return g.BatchNormalization(x, weight, bias, norm.running_mean!, norm.running_var!, norm.eps);
    }

    static string MaxPool(MaxPool2d pool, OnnxGraphBuilder g, string x)
    {
        if (pool.ceil_mode || pool.padding is { } p && p.Any(v => v != 0) || pool.dilation is { } d && d.Any(v => v != 1))
            throw new UnmappedLayerException("MaxPool2d(ceil_mode, padding or dilation)", g.CurrentPath);
        var k = pool.kernel_size;
        return g.MaxPool(x, k, pool.stride ?? k);
    }
}
