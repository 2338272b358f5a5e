using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Imaging.Instances;
using TorchSharp;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Inference;

/// <summary>A prediction's output images and, for instance networks, the objects found in each plane.</summary>
public sealed record PredictionResult(IReadOnlyList<(OutputKind Kind, ImageData Image)> Images, IReadOnlyList<IReadOnlyList<DetectedObject>>? Objects);

/// <summary>A trained network in eval mode on a device, with the configuration prediction needs.</summary>
public sealed class LoadedModel : IDisposable
{
    /// <param name="backend">
    /// Torch runs the module; Onnx exports it (inference head included) and runs ONNX Runtime with the same tiling;
    /// Auto is ONNX Runtime on the CPU (faster there, see bench/) and TorchSharp on a GPU or for a network with
    /// a layer that has no ONNX mapping yet.
    /// </param>
    public LoadedModel(NetworkDefinition network, ModelConfig config, string weightsPath, Device device, InferenceBackend backend = InferenceBackend.Torch)
    {
        Network = network;
        Config = config;
        Parameters = ParameterSet.FromStored(network.Info.Parameters, config.Parameters);
        Device = device;
        var module = network.Build(Parameters);
        module.load(weightsPath);
        module.to(device);
        module.eval();
        Module = module;
        Divisor = network.Divisor(Parameters);
        Grid = network.OutputGrid(Parameters);
        (Backend, Forward) = (backend, device.type) switch
        {
            (InferenceBackend.Onnx, _) => (InferenceBackend.Onnx, Onnx(network, module, device)),
            (InferenceBackend.Auto, not DeviceType.CUDA) when TryOnnx(network, module, device) is { } onnx => (InferenceBackend.Onnx, onnx),
            _ => (InferenceBackend.Torch, (ITileForward)new TorchTileForward(network, module, device)),
        };
    }

    ITileForward Onnx(NetworkDefinition network, nn.Module<Tensor, Tensor> module, Device device) =>
        new OnnxTileForward(Export.Onnx.OnnxExporter.Export(network, module, Divisor), cuda: device.type == DeviceType.CUDA, threads: get_num_threads());

    ITileForward? TryOnnx(NetworkDefinition network, nn.Module<Tensor, Tensor> module, Device device)
    {
        try { return Onnx(network, module, device); }
        catch (Export.Onnx.UnmappedLayerException) { return null; }
    }

    /// <summary>A prediction-only model (an imported ONNX package): no TorchSharp module, tiles run through <paramref name="forward"/>.</summary>
    public LoadedModel(NetworkDefinition network, ModelConfig config, ITileForward forward)
    {
        Network = network;
        Config = config;
        Parameters = ParameterSet.FromStored(network.Info.Parameters, config.Parameters);
        Device = CPU;
        Divisor = network.Divisor(Parameters);
        Grid = network.OutputGrid(Parameters);
        Backend = InferenceBackend.Onnx;
        Forward = forward;
    }

    /// <summary>Runs one tile (TorchSharp or ONNX Runtime); TiledPredictor does the rest.</summary>
    public ITileForward Forward { get; }
    public InferenceBackend Backend { get; }

    public NetworkDefinition Network { get; }
    public ModelConfig Config { get; }
    public ParameterSet Parameters { get; }
    /// <summary>The TorchSharp network; null for imported prediction-only models.</summary>
    public nn.Module<Tensor, Tensor>? Module { get; }
    public Device Device { get; }
    public int Divisor { get; }
    /// <summary>How much coarser the network's outputs are than its input (NetworkDefinition.OutputGrid).</summary>
    public int Grid { get; }

    /// <summary>
    /// Predicts every YX plane of an image (2D, 2D+t, z-stack) frame by frame and assembles each output
    /// kind into an image with the input's leading axes and calibration.
    /// </summary>
    public IReadOnlyList<(OutputKind Kind, ImageData Image)> Predict(ImageData image, int tileSize, int overlap, double threshold,
        Action<int, int>? tileProgress, CancellationToken cancellation) =>
        PredictDetailed(image, tileSize, overlap, threshold, tileProgress, cancellation).Images;

    /// <summary>
    /// As <see cref="Predict"/>, plus the detected objects of every plane for networks that find instances
    /// (plane index = frame of a 2D+t stack).
    /// </summary>
    public PredictionResult PredictDetailed(ImageData image, int tileSize, int overlap, double threshold,
        Action<int, int>? tileProgress, CancellationToken cancellation)
    {
        if (overlap <= 0) overlap = Network.DefaultTileOverlap(Parameters);
        int planeSize = image.Height * image.Width, planes = image.PlaneCount;
        var outputs = new Dictionary<OutputKind, (float[] Pixels, PixelType Type)>();
        List<IReadOnlyList<DetectedObject>>? objects = null;
        for (int i = 0; i < planes; i++)
        {
            var normalized = Network.NormalizePlane(image, i, Config.State);
            int planeIndex = i;
            var blended = TiledPredictor.PredictChannels(this, normalized.Pixels, image.Height, image.Width, tileSize, overlap,
                (done, total) => tileProgress?.Invoke(planeIndex * total + done, planes * total),
                cancellation);
            foreach (var output in Network.FinishChannels(blended, normalized, image.Height, image.Width, Config.State, threshold))
            {
                if (!outputs.TryGetValue(output.Kind, out var buffer))
                    outputs[output.Kind] = buffer = (new float[planeSize * planes], output.PixelType);
                output.Pixels.CopyTo(buffer.Pixels, i * planeSize);
                if (output.Objects is not null) (objects ??= new()).Add(output.Objects);
            }
        }
        var images = outputs.Select(o => (o.Key, new ImageData(image.Axes, (int[])image.Shape.Clone(), o.Value.Pixels, o.Value.Type, image.Calibration))).ToList();
        return new PredictionResult(images, objects);
    }

    public void Dispose()
    {
        Forward.Dispose();
        Module?.Dispose();
    }
}
