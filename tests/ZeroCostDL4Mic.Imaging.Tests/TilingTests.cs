namespace ZeroCostDL4Mic.Imaging.Tests;

public class TilingTests
{
    [Theory]
    [InlineData(517, 301, 128, 16)]
    [InlineData(128, 128, 128, 16)]
    [InlineData(100, 60, 128, 16)]
    [InlineData(257, 1000, 64, 0)]
    [InlineData(300, 300, 96, 40)]
    public void PlanCoversImageWithBoundedTiles(int height, int width, int tileSize, int overlap)
    {
        var tiles = TilePlanner.Plan(height, width, tileSize, overlap);
        var cover = new int[height * width];
        foreach (var t in tiles)
        {
            Assert.True(t.Height <= Math.Min(tileSize, height) && t.Width <= Math.Min(tileSize, width));
            Assert.True(t.Y >= 0 && t.X >= 0 && t.Y + t.Height <= height && t.X + t.Width <= width);
            for (var y = t.Y; y < t.Y + t.Height; y++)
                for (var x = t.X; x < t.X + t.Width; x++)
                    cover[y * width + x]++;
        }
        Assert.DoesNotContain(0, cover);
        int Count(int n) => n <= tileSize ? 1 : (int)Math.Ceiling((double)(n - tileSize) / (tileSize - overlap)) + 1;
        Assert.Equal(Count(height) * Count(width), tiles.Count);
        // neighbours overlap by at least `overlap`
        var ys = tiles.Select(t => t.Y).Distinct().OrderBy(v => v).ToArray();
        for (var i = 1; i < ys.Length; i++)
            Assert.True(ys[i - 1] + Math.Min(tileSize, height) - ys[i] >= overlap);
    }

    [Fact]
    public void PlanCountForTheBriefExample()
    {
        var tiles = TilePlanner.Plan(517, 301, 128, 16);
        Assert.Equal(5 * 3, tiles.Count); // rows 0,112,224,336,389; columns 0,112,173
        Assert.Equal(new[] { 0, 112, 224, 336, 389 }, tiles.Select(t => t.Y).Distinct());
        Assert.Equal(new[] { 0, 112, 173 }, tiles.Select(t => t.X).Distinct());
        Assert.Throws<ArgumentOutOfRangeException>(() => TilePlanner.Plan(10, 10, 8, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => TilePlanner.Plan(10, 10, 0, 0));
    }

    [Theory]
    [InlineData(517, 301, 128, 16)]
    [InlineData(300, 300, 96, 40)]
    [InlineData(64, 50, 32, 0)]
    [InlineData(40, 40, 128, 16)]
    public void BlendingTilesOfAnImageReproducesIt(int height, int width, int tileSize, int overlap)
    {
        var image = Synthetic.Smooth(height, width);
        var blender = new TileBlender(height, width, overlap);
        foreach (var tile in TilePlanner.Plan(height, width, tileSize, overlap))
            blender.Add(tile, ReflectPadding.Crop(image, height, width, tile.Y, tile.X, tile.Height, tile.Width));
        var result = blender.Result();
        for (var i = 0; i < image.Length; i++)
            Assert.True(Math.Abs(image[i] - result[i]) <= 1e-6, $"pixel {i}: {image[i]} vs {result[i]}");
    }

    [Fact]
    public void BlendIsSeamlessAcrossAlignedOverlap()
    {
        // two tiles of constant 0 and 1 overlapping by exactly `overlap`: weights sum to 1 and the result ramps smoothly
        const int overlap = 8;
        var blender = new TileBlender(1, 24, overlap);
        blender.Add(new Tile(0, 0, 1, 16), new float[16]);
        blender.Add(new Tile(0, 8, 1, 16), Enumerable.Repeat(1f, 16).ToArray());
        var result = blender.Result();
        Assert.All(result[..8], v => Assert.Equal(0f, v));
        Assert.All(result[16..], v => Assert.Equal(1f, v));
        for (var x = 8; x < 16; x++)
        {
            Assert.True(result[x] > result[x - 1]);
            Assert.Equal(0.5 - 0.5 * Math.Cos(Math.PI * (x - 8 + 0.5) / overlap), result[x], 6);
        }
    }

    [Fact]
    public void BlenderRejectsBadInput()
    {
        var blender = new TileBlender(10, 10, 2);
        Assert.Throws<ArgumentException>(() => blender.Add(new Tile(5, 5, 6, 6), new float[36]));
        Assert.Throws<ArgumentException>(() => blender.Add(new Tile(0, 0, 4, 4), new float[15]));
        blender.Add(new Tile(0, 0, 4, 4), new float[16]);
        Assert.Throws<InvalidOperationException>(() => blender.Result());
    }

    [Fact]
    public void ReflectPaddingMatchesNumpy()
    {
        // np.pad([1,2,3], 5, 'reflect') and np.pad([1,2], 5, 'reflect')
        Assert.Equal(new float[] { 2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2 }, ReflectPadding.Pad(new float[] { 1, 2, 3 }, 1, 3, 0, 0, 5, 5));
        Assert.Equal(new float[] { 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1 }, ReflectPadding.Pad(new float[] { 1, 2 }, 1, 2, 0, 0, 5, 5));
        Assert.Equal(new float[] { 1, 1, 1, 1, 1, 1, 1 }, ReflectPadding.Pad(new float[] { 1 }, 1, 1, 0, 0, 3, 3));
        // 2D: np.pad(np.arange(6).reshape(2,3), ((1,2),(2,1)), 'reflect')
        var padded = ReflectPadding.Pad(new float[] { 0, 1, 2, 3, 4, 5 }, 2, 3, 1, 2, 2, 1);
        Assert.Equal(new float[]
        {
            5, 4, 3, 4, 5, 4,
            2, 1, 0, 1, 2, 1,
            5, 4, 3, 4, 5, 4,
            2, 1, 0, 1, 2, 1,
            5, 4, 3, 4, 5, 4,
        }, padded);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, ReflectPadding.Crop(padded, 5, 6, 1, 2, 2, 3));
        Assert.Throws<ArgumentException>(() => ReflectPadding.Crop(padded, 5, 6, 4, 0, 2, 3));
    }
}
