using TorchSharp;
using TorchSharp.Modules;
using ZeroCostDL4Mic.Engine.Export.Onnx;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks.Common;

public enum ConvInit { GlorotUniform, HeNormal }

/// <summary>Conv ('same' padding, Keras initialisation) → optional BatchNorm (Keras momentum/eps) → optional ReLU.</summary>
public sealed class ConvBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    readonly Conv2d conv;
    readonly BatchNorm2d? norm;
    readonly bool relu;
    readonly int evenKernel;

    public ConvBlock(string name, long inChannels, long outChannels, int kernel, bool batchNorm, bool relu, ConvInit init = ConvInit.GlorotUniform)
        : base(name)
    {
        // Keras 'same' with an even kernel pads 0 before and 1 after; done explicitly in forward.
        evenKernel = kernel % 2 == 0 ? kernel - 1 : 0;
        conv = nn.Conv2d(inChannels, outChannels, kernel, padding: kernel % 2 == 1 ? kernel / 2 : 0);
        if (init == ConvInit.HeNormal) nn.init.kaiming_normal_(conv.weight, nonlinearity: nn.init.NonlinearityType.ReLU);
        else nn.init.xavier_uniform_(conv.weight);
        nn.init.zeros_(conv.bias);
        // Keras' eps 1e-3, but torch's running-average momentum 0.1 rather than Keras' 0.01 (momentum 0.99):
        // after the few hundred steps of a short training, Keras' slow average is still dominated by its
        // initial value, and eval-mode predictions (and val_loss) suffer.
        norm = batchNorm ? nn.BatchNorm2d(outChannels, eps: 1e-3, momentum: 0.1) : null;
        this.relu = relu;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = evenKernel > 0 ? conv.forward(nn.functional.pad(x, new long[] { 0, evenKernel, 0, evenKernel })) : conv.forward(x);
        if (norm is not null) y = norm.forward(y);
        if (relu) y = nn.functional.relu(y);
        return y.MoveToOuterDisposeScope();
    }

    public string ExportOnnx(OnnxGraphBuilder graph, string x)
    {
        // The even-kernel 'same' padding folds into the Conv's own (asymmetric) pads.
        x = evenKernel > 0
            ? graph.Scope("conv", () => graph.Conv(x, conv.weight!, conv.bias, new long[] { 0, 0, evenKernel, evenKernel }, new long[] { 1, 1 }, new long[] { 1, 1 }, 1))
            : graph.Layer(conv, "conv", x);
        if (norm is not null) x = graph.Layer(norm, "norm", x);
        return relu ? graph.Relu(x) : x;
    }
}
