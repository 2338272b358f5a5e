using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Devices;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Imaging;

namespace ZeroCostDL4Mic.Engine.Inference;

/// <summary>Interactive prediction: a session loads the model once, then predicts images as they stream in.</summary>
public sealed class PredictionService(ModelCatalog models, ModelLoader loader, IOptions<EngineOptions> options)
    : IPredictionService
{
    public IPredictionSession Open(PredictionOptions request)
    {
        if (request.TileSize is < 0 or > 8192) throw new InvalidInputException("tile_size", $"{request.TileSize} is out of range [0, 8192]");
        if (request.TileOverlap < 0) throw new InvalidInputException("tile_overlap", "must not be negative");
        if (request.Threshold is < 0 or >= 1) throw new InvalidInputException("threshold", $"{request.Threshold} is not a probability in (0, 1); 0 = the model's QC threshold");
        var (record, config, weights) = models.Usable(request.ModelId, request.Weights);
        var loaded = loader.Load(record.Id, config, weights, request.Backend);
        int tile = request.TileSize > 0 ? request.TileSize : options.Value.DefaultTileSize;
        if (request.TileOverlap * 2 >= tile) throw new InvalidInputException("tile_overlap", $"{request.TileOverlap} must be below half the tile size {tile}");
        return new Session(models.Get(record.Id), loaded, tile, request.TileOverlap, request.Threshold);
    }

    sealed class Session(ModelView model, LoadedModel loaded, int tileSize, int overlap, double threshold) : IPredictionSession
    {
        public ModelView Model { get; } = model;

        public async IAsyncEnumerable<PredictionOutput> PredictAsync(string inputName, ImageData image, IProgress<PredictionProgress>? progress,
            [EnumeratorCancellation] CancellationToken cancellation)
        {
            int channelAxis = image.Axes.IndexOf('C');
            if (channelAxis >= 0 && image.Shape[channelAxis] > 1)
                throw new InvalidInputException("image.axes",
                    $"'{inputName}' has {image.Shape[channelAxis]} channels ({image.Axes}); {Model.Network} models take single-channel images");
            if (!image.Axes.EndsWith("YX", StringComparison.Ordinal))
                throw new InvalidInputException("image.axes", $"'{image.Axes}' must end with YX");
            // LibTorch work runs on a pool thread so the gRPC thread stays free; outputs go back as each image ends.
            var result = await Task.Run(() => loaded.PredictDetailed(image, tileSize, overlap, threshold,
                (done, total) => progress?.Report(new PredictionProgress(inputName, done, total)), cancellation), cancellation);
            foreach (var (kind, output) in result.Images)
                yield return new PredictionOutput(inputName, kind, output, kind == OutputKind.Labels ? result.Objects : null);
        }

        public void Dispose() => loaded.Dispose();
    }
}
