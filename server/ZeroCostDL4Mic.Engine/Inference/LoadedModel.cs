using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Inference;

/// <summary>A trained network in eval mode on a device, with the configuration prediction needs.</summary>
public sealed class LoadedModel : IDisposable
{
    public LoadedModel(NetworkDefinition network, ModelConfig config, string weightsPath, Device device)
    {
        Network = network;
        Config = config;
        Parameters = ParameterSet.FromStored(network.Info.Parameters, config.Parameters);
        Device = device;
        Module = network.Build(Parameters);
        Module.load(weightsPath);
        Module.to(device);
        Module.eval();
        Divisor = network.Divisor(Parameters);
    }

    public NetworkDefinition Network { get; }
    public ModelConfig Config { get; }
    public ParameterSet Parameters { get; }
    public nn.Module<Tensor, Tensor> Module { get; }
    public Device Device { get; }
    public int Divisor { get; }

    /// <summary>
    /// Predicts every YX plane of an image (2D, 2D+t, z-stack) frame by frame and assembles each output
    /// kind into an image with the input's leading axes and calibration.
    /// </summary>
    public IReadOnlyList<(OutputKind Kind, ImageData Image)> Predict(ImageData image, int tileSize, int overlap, double threshold,
        Action<int, int>? tileProgress, CancellationToken cancellation)
    {
        if (overlap <= 0) overlap = Network.DefaultTileOverlap(Parameters);
        int planeSize = image.Height * image.Width, planes = image.PlaneCount;
        var outputs = new Dictionary<OutputKind, (float[] Pixels, PixelType Type)>();
        int tilesPerPlane = 0;
        for (int i = 0; i < planes; i++)
        {
            var normalized = Network.Normalize(image.Plane(i).Span, Config.State);
            int planeIndex = i;
            var blended = TiledPredictor.Predict(this, normalized.Pixels, image.Height, image.Width, tileSize, overlap,
                (done, total) => { tilesPerPlane = total; tileProgress?.Invoke(planeIndex * total + done, planes * total); },
                cancellation);
            foreach (var output in Network.Finish(blended, normalized, Config.State, threshold))
            {
                if (!outputs.TryGetValue(output.Kind, out var buffer))
                    outputs[output.Kind] = buffer = (new float[planeSize * planes], output.PixelType);
                output.Pixels.CopyTo(buffer.Pixels, i * planeSize);
            }
        }
        return outputs.Select(o => (o.Key, new ImageData(image.Axes, (int[])image.Shape.Clone(), o.Value.Pixels, o.Value.Type, image.Calibration))).ToList();
    }

    public void Dispose() => Module.Dispose();
}
