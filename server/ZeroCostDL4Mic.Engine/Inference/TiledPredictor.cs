using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Inference;

/// <summary>
/// Predicts a plane of any size through overlapping tiles blended smoothly (TileBlender), so memory is
/// bounded by the tile and no seams show. Each tile is reflect-padded to the network's divisor.
/// On out-of-memory the tile edge halves and the plane is retried (as csbdeep doubles n_tiles).
/// </summary>
public static class TiledPredictor
{
    public static float[] Predict(LoadedModel model, float[] plane, int height, int width, int tileSize, int overlap,
        Action<int, int>? tileProgress, CancellationToken cancellation)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return PredictOnce(model, plane, height, width, tileSize, overlap, tileProgress, cancellation);
            }
            catch (Exception e) when (attempt < 8 && tileSize / 2 >= Math.Max(model.Divisor, 4 * overlap) && IsOutOfMemory(e))
            {
                tileSize /= 2;
            }
        }
    }

    /// <summary>
    /// The plane is first reflect-padded to the divisor (as csbdeep's PadAndCropResizer), so every tile has the
    /// same border context as a whole-image prediction. Tiles overlap by twice the receptive-field overlap;
    /// each drops half of it on inner sides (where zero padding corrupts the output) and the rest is blended
    /// with a raised-cosine ramp.
    /// </summary>
    static float[] PredictOnce(LoadedModel model, float[] plane, int height, int width, int tileSize, int overlap,
        Action<int, int>? tileProgress, CancellationToken cancellation)
    {
        int d = model.Divisor;
        int padY = (d - height % d) % d, padX = (d - width % d) % d;
        int ph = height + padY, pw = width + padX;
        var padded = padY + padX == 0 ? plane : ReflectPadding.Pad(plane, height, width, padY / 2, padY - padY / 2, padX / 2, padX - padX / 2);
        int margin = overlap / 2;
        int edge = Math.Max(tileSize, 4 * overlap) / d * d;
        var tiles = TilePlanner.Plan(ph, pw, edge, 2 * overlap);
        var blender = new TileBlender(ph, pw, overlap);
        int done = 0;
        foreach (var tile in tiles)
        {
            cancellation.ThrowIfCancellationRequested();
            var crop = ReflectPadding.Crop(padded, ph, pw, tile.Y, tile.X, tile.Height, tile.Width);
            var output = PredictTile(model, crop, tile.Height, tile.Width);
            int top = tile.Y > 0 ? margin : 0, left = tile.X > 0 ? margin : 0;
            int bottom = tile.Y + tile.Height < ph ? margin : 0, right = tile.X + tile.Width < pw ? margin : 0;
            var kept = new Tile(tile.Y + top, tile.X + left, tile.Height - top - bottom, tile.Width - left - right);
            blender.Add(kept, top + left + bottom + right == 0 ? output
                : ReflectPadding.Crop(output, tile.Height, tile.Width, top, left, kept.Height, kept.Width));
            tileProgress?.Invoke(++done, tiles.Count);
        }
        var result = blender.Result();
        return padY + padX == 0 ? result : ReflectPadding.Crop(result, ph, pw, padY / 2, padX / 2, height, width);
    }

    /// <summary>One tile through the network: reflect-pad to the divisor, forward, inference head, crop back.</summary>
    public static float[] PredictTile(LoadedModel model, float[] tile, int height, int width)
    {
        int d = model.Divisor;
        int padY = (d - height % d) % d, padX = (d - width % d) % d;
        int top = padY / 2, left = padX / 2;
        var padded = padY + padX == 0 ? tile : ReflectPadding.Pad(tile, height, width, top, padY - top, left, padX - left);
        int ph = height + padY, pw = width + padX;
        float[] output;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var input = tensor(padded, new long[] { 1, 1, ph, pw }).to(model.Device);
            var result = model.Network.InferenceHead(model.Module.forward(input));
            output = result.to(CPU).contiguous().data<float>().ToArray();
        }
        return padY + padX == 0 ? output : ReflectPadding.Crop(output, ph, pw, top, left, height, width);
    }

    static bool IsOutOfMemory(Exception e) =>
        e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase) ||
        e.Message.Contains("CUDA error", StringComparison.OrdinalIgnoreCase);
}
