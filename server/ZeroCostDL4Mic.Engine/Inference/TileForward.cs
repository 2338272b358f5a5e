using Microsoft.ML.OnnxRuntime;
using ZeroCostDL4Mic.Engine.Devices;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Inference;

/// <summary>
/// One tile through the network and its inference head: the only step of a prediction that differs between
/// TorchSharp and ONNX Runtime, so tiling, blending and post-processing stay shared.
/// </summary>
public interface ITileForward : IDisposable
{
    /// <summary>A height x width tile (sides multiples of the divisor) → every head channel at output resolution, channel-major.</summary>
    (float[] Output, int Channels) Run(float[] tile, int height, int width);
}

/// <summary>TorchSharp: the module in eval mode on its device, one dispose scope per tile.</summary>
public sealed class TorchTileForward(NetworkDefinition network, nn.Module<Tensor, Tensor> module, Device device) : ITileForward
{
    public (float[] Output, int Channels) Run(float[] tile, int height, int width) => TorchScalarRace.Run(() =>
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = tensor(tile, new long[] { 1, 1, height, width }).to(device);
        var result = network.InferenceHead(module.forward(input));
        return (result.to(CPU).contiguous().data<float>().ToArray(), (int)result.shape[1]);
    });

    /// <summary>The module belongs to the LoadedModel, which disposes it.</summary>
    public void Dispose() { }
}

/// <summary>
/// ONNX Runtime on an exported (or imported) graph whose output includes the inference head. CPU provider, or
/// CUDA when asked for and the installed runtime has it. Tiles smaller than the model's minimum size are
/// reflect-padded up to it and cropped back.
/// </summary>
public sealed class OnnxTileForward : ITileForward
{
    readonly InferenceSession session;
    readonly string inputName;
    readonly int minSize;

    public OnnxTileForward(byte[] model, bool cuda = false, int threads = 0, int minSize = 0)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads > 0) options.IntraOpNumThreads = threads;
        if (cuda)
        {
            // The CPU package has no CUDA provider; Microsoft.ML.OnnxRuntime.Gpu builds do.
            try { options.AppendExecutionProvider_CUDA(); }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException) { }
        }
        session = new InferenceSession(model, options);
        inputName = session.InputMetadata.Keys.First();
        this.minSize = minSize;
    }

    public (float[] Output, int Channels) Run(float[] tile, int height, int width)
    {
        int h = Math.Max(height, minSize), w = Math.Max(width, minSize);
        var data = h == height && w == width ? tile : ReflectPadding.Pad(tile, height, width, 0, h - height, 0, w - width);
        var input = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(data, new[] { 1, 1, h, w });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(inputName, input) });
        var output = results.First().AsTensor<float>();
        int channels = output.Dimensions[1], oh = output.Dimensions[2], ow = output.Dimensions[3];
        var values = output.ToArray();
        if (h == height && w == width) return (values, channels);
        // Grid networks give coarser outputs: crop in output cells.
        int ch = height * oh / h, cw = width * ow / w;
        var cropped = new float[channels * ch * cw];
        for (int c = 0; c < channels; c++)
            ReflectPadding.Crop(values.AsSpan(c * oh * ow, oh * ow), oh, ow, 0, 0, ch, cw).CopyTo(cropped, c * ch * cw);
        return (cropped, channels);
    }

    public void Dispose() => session.Dispose();
}
