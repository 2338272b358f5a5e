using ZeroCostDL4Mic.Engine.Networks;
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
        var blended = PredictChannels(model, plane, height, width, tileSize, overlap, tileProgress, cancellation);
        return blended.Channels == 1 ? blended.Pixels : blended.Channel(0).ToArray();
    }

    /// <summary>
    /// Every channel of the inference head, blended across tiles. With an output grid g &gt; 1 (StarDist) the plane is
    /// padded at the bottom and right only (as stardist), tiles start on multiples of g and the channels come back at
    /// grid resolution, ceil(H/g)×ceil(W/g).
    /// </summary>
    public static BlendedOutput PredictChannels(LoadedModel model, float[] plane, int height, int width, int tileSize, int overlap,
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
    static BlendedOutput PredictOnce(LoadedModel model, float[] plane, int height, int width, int tileSize, int overlap,
        Action<int, int>? tileProgress, CancellationToken cancellation)
    {
        int d = model.Divisor, g = model.Grid;
        int padY = (d - height % d) % d, padX = (d - width % d) % d;
        int ph = height + padY, pw = width + padX;
        // A grid network pads at the end only, so output cell (i, j) stays on input pixel (i·g, j·g).
        int padTop = g > 1 ? 0 : padY / 2, padLeft = g > 1 ? 0 : padX / 2;
        var padded = padY + padX == 0 ? plane : ReflectPadding.Pad(plane, height, width, padTop, padY - padTop, padLeft, padX - padLeft);
        // Tiles start on multiples of g and their dropped margins are whole cells.
        if (g > 1) overlap = (overlap + 2 * g - 1) / (2 * g) * (2 * g);
        int margin = overlap / 2;
        int edge = Math.Max(tileSize, 4 * overlap) / d * d;
        var tiles = TilePlanner.Plan(ph, pw, edge, 2 * overlap);
        TileBlender[]? blenders = null;
        int gh = ph / g, gw = pw / g;
        int done = 0;
        foreach (var tile in tiles)
        {
            cancellation.ThrowIfCancellationRequested();
            var crop = ReflectPadding.Crop(padded, ph, pw, tile.Y, tile.X, tile.Height, tile.Width);
            var (output, channels) = PredictTileChannels(model, crop, tile.Height, tile.Width);
            blenders ??= Enumerable.Range(0, channels).Select(_ => new TileBlender(gh, gw, overlap / g)).ToArray();
            int th = tile.Height / g, tw = tile.Width / g, m = margin / g;
            int top = tile.Y > 0 ? m : 0, left = tile.X > 0 ? m : 0;
            int bottom = tile.Y + tile.Height < ph ? m : 0, right = tile.X + tile.Width < pw ? m : 0;
            var kept = new Tile(tile.Y / g + top, tile.X / g + left, th - top - bottom, tw - left - right);
            for (int c = 0; c < channels; c++)
            {
                var channel = output.AsSpan(c * th * tw, th * tw);
                blenders[c].Add(kept, top + left + bottom + right == 0 ? channel
                    : ReflectPadding.Crop(channel, th, tw, top, left, kept.Height, kept.Width));
            }
            tileProgress?.Invoke(++done, tiles.Count);
        }
        int oh = (height + g - 1) / g, ow = (width + g - 1) / g, oy = padTop / g, ox = padLeft / g;
        var result = new float[blenders!.Length * oh * ow];
        for (int c = 0; c < blenders.Length; c++)
        {
            var full = blenders[c].Result();
            var cropped = oh == gh && ow == gw ? full : ReflectPadding.Crop(full, gh, gw, oy, ox, oh, ow);
            cropped.CopyTo(result, c * oh * ow);
        }
        return new BlendedOutput(result, blenders.Length, oh, ow);
    }

    /// <summary>One tile whose sides are multiples of the divisor through the network: every head channel at output resolution.</summary>
    static (float[] Output, int Channels) PredictTileChannels(LoadedModel model, float[] tile, int height, int width) =>
        model.Forward.Run(tile, height, width);

    /// <summary>One tile through the network: reflect-pad to the divisor, forward, inference head, crop back.</summary>
    public static float[] PredictTile(LoadedModel model, float[] tile, int height, int width)
    {
        int d = model.Divisor;
        int padY = (d - height % d) % d, padX = (d - width % d) % d;
        int top = padY / 2, left = padX / 2;
        var padded = padY + padX == 0 ? tile : ReflectPadding.Pad(tile, height, width, top, padY - top, left, padX - left);
        int ph = height + padY, pw = width + padX;
        var (output, _) = model.Forward.Run(padded, ph, pw);
        return padY + padX == 0 ? output : ReflectPadding.Crop(output, ph, pw, top, left, height, width);
    }

    static bool IsOutOfMemory(Exception e) =>
        e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase) ||
        e.Message.Contains("CUDA error", StringComparison.OrdinalIgnoreCase);
}
