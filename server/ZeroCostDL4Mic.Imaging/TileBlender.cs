namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// Accumulates tile predictions into one image with a separable weight: a raised-cosine ramp over
/// <c>overlap</c> pixels on each side that has a neighbouring tile, flat (1) elsewhere and at image borders.
/// Aligned ramps of two neighbours sum to 1, so blends are seamless; where a single tile covers a pixel the
/// result is that tile's value.
/// </summary>
public sealed class TileBlender
{
    private readonly int height;
    private readonly int width;
    private readonly int overlap;
    private readonly float[] sum;
    private readonly float[] weight;

    public TileBlender(int height, int width, int overlap)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"invalid image size {height}x{width}");
        if (overlap < 0) throw new ArgumentOutOfRangeException(nameof(overlap), overlap, "overlap must not be negative");
        this.height = height;
        this.width = width;
        this.overlap = overlap;
        sum = new float[height * width];
        weight = new float[height * width];
    }

    public void Add(Tile tile, ReadOnlySpan<float> tileOutput)
    {
        if (tile.Y < 0 || tile.X < 0 || tile.Height <= 0 || tile.Width <= 0
            || tile.Y + tile.Height > height || tile.X + tile.Width > width)
            throw new ArgumentException($"{tile} does not lie inside the {height}x{width} image");
        if (tileOutput.Length != tile.Height * tile.Width)
            throw new ArgumentException($"{tile} needs {tile.Height * tile.Width} values but {tileOutput.Length} were given");
        var wy = Ramp(tile.Height, tile.Y > 0, tile.Y + tile.Height < height);
        var wx = Ramp(tile.Width, tile.X > 0, tile.X + tile.Width < width);
        for (var y = 0; y < tile.Height; y++)
        {
            var row = (tile.Y + y) * width + tile.X;
            var source = tileOutput.Slice(y * tile.Width, tile.Width);
            for (var x = 0; x < tile.Width; x++)
            {
                var w = wy[y] * wx[x];
                sum[row + x] += w * source[x];
                weight[row + x] += w;
            }
        }
    }

    /// <summary>The blended image; throws if some pixel was covered by no tile.</summary>
    public float[] Result()
    {
        var result = new float[sum.Length];
        for (var i = 0; i < result.Length; i++)
        {
            if (weight[i] <= 0)
                throw new InvalidOperationException($"pixel ({i / width}, {i % width}) was not covered by any tile");
            result[i] = sum[i] / weight[i];
        }
        return result;
    }

    private float[] Ramp(int length, bool before, bool after)
    {
        var ramp = new float[length];
        var r = Math.Min(overlap, length);
        for (var i = 0; i < length; i++)
        {
            var w = 1.0;
            if (before && i < r) w *= RaisedCosine(i, r);
            if (after && length - 1 - i < r) w *= RaisedCosine(length - 1 - i, r);
            ramp[i] = (float)w;
        }
        return ramp;
    }

    /// <summary>Rises from near 0 to near 1 over r pixels; RaisedCosine(i) + RaisedCosine(r-1-i) = 1.</summary>
    private static double RaisedCosine(int i, int r) => 0.5 - 0.5 * Math.Cos(Math.PI * (i + 0.5) / r);
}
