namespace ZeroCostDL4Mic.Imaging;

/// <summary>Cuts an image into overlapping tiles so any image size can be predicted with memory bounded by the tile.</summary>
public static class TilePlanner
{
    /// <summary>
    /// Tiles of min(tileSize, image side) per axis, consecutive tiles overlapping by at least
    /// <paramref name="overlap"/>, covering the image; the last tile on each axis is shifted inward to end at
    /// the border (so it may overlap its neighbour by more). Row-major order.
    /// </summary>
    public static IReadOnlyList<Tile> Plan(int height, int width, int tileSize, int overlap)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"invalid image size {height}x{width}");
        if (tileSize <= 0) throw new ArgumentOutOfRangeException(nameof(tileSize), tileSize, "tile size must be positive");
        if (overlap < 0 || overlap >= tileSize)
            throw new ArgumentOutOfRangeException(nameof(overlap), overlap, $"overlap must lie in [0, {tileSize})");
        var ys = Starts(height, tileSize, overlap);
        var xs = Starts(width, tileSize, overlap);
        var th = Math.Min(tileSize, height);
        var tw = Math.Min(tileSize, width);
        var tiles = new List<Tile>(ys.Count * xs.Count);
        foreach (var y in ys)
            foreach (var x in xs)
                tiles.Add(new Tile(y, x, th, tw));
        return tiles;
    }

    private static List<int> Starts(int size, int tileSize, int overlap)
    {
        var tile = Math.Min(tileSize, size);
        var starts = new List<int> { 0 };
        if (tile == size) return starts;
        var stride = tile - overlap;
        for (var s = stride; s + tile < size; s += stride) starts.Add(s);
        starts.Add(size - tile);
        return starts;
    }
}
