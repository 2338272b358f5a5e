namespace ZeroCostDL4Mic.Imaging.Tests;

public class AugmentationTests
{
    private static readonly float[] Plane = Enumerable.Range(0, 3 * 4).Select(i => (float)i).ToArray(); // 3x4

    [Fact]
    public void DihedralMatchesNumpy()
    {
        // np.rot90(a, k) and np.flip(np.rot90(a, k), axis=1) for a = np.arange(12).reshape(3, 4)
        var expected = new (int H, int W, float[] Values)[]
        {
            (3, 4, new float[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }),
            (4, 3, new float[] { 3, 7, 11, 2, 6, 10, 1, 5, 9, 0, 4, 8 }),
            (3, 4, new float[] { 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 }),
            (4, 3, new float[] { 8, 4, 0, 9, 5, 1, 10, 6, 2, 11, 7, 3 }),
            (3, 4, new float[] { 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8 }),
            (4, 3, new float[] { 11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0 }),
            (3, 4, new float[] { 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3 }),
            (4, 3, new float[] { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }),
        };
        for (var t = 0; t < 8; t++)
        {
            var result = Dihedral.Apply(Plane, 3, 4, t, out var h, out var w);
            Assert.Equal(expected[t].H, h);
            Assert.Equal(expected[t].W, w);
            Assert.Equal(expected[t].Values, result);
        }
    }

    [Fact]
    public void DihedralInvertUndoesEveryTransform()
    {
        var plane = Synthetic.Smooth(7, 5);
        for (var t = 0; t < 8; t++)
        {
            var forward = Dihedral.Apply(plane, 7, 5, t, out var h, out var w);
            var back = Dihedral.Invert(forward, h, w, t, out var h2, out var w2);
            Assert.Equal((7, 5), (h2, w2));
            Assert.Equal(plane, back);
        }
        var all = Enumerable.Range(0, 8).Select(t => Dihedral.Apply(plane, 7, 5, t, out _, out _)).ToList();
        Assert.Equal(8, all.Select(a => string.Join(",", a)).Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => Dihedral.Apply(plane, 7, 5, 8, out _, out _));
    }

    private static float[] Ramp()
    {
        var x = new float[9 * 11];
        for (var i = 0; i < 9; i++)
            for (var j = 0; j < 11; j++)
                x[i * 11 + j] = (float)(Math.Sin(0.7 * i) + 0.3 * j + 0.05 * i * j);
        return x;
    }

    [Theory]
    // Keras apply_affine_transform (theta, tx, ty, zx, zy, order) + scipy.ndimage.affine_transform(mode='reflect')
    [InlineData(30, 1.5, -2.25, 1.1, 0.9, false, 0.4465845823287964, 1.4428718090057373, 6.284650802612305, 3.434373617172241, 0.5617800951004028, 193.16118197143078)]
    [InlineData(-120, 0, 0, 1, 1, false, 4.707736492156982, 2.8349881172180176, -0.9081792235374451, 2.681169033050537, 1.3205771446228027, 238.96063094958663)]
    [InlineData(0, 3.7, -5.2, 1, 1, false, 2.530454397201538, -0.7366224527359009, 2.204979181289673, 1.507662057876587, 1.0631612539291382, 82.0473237419501)]
    [InlineData(75, -1, 2, 0.95, 1.08, true, -0.8715757727622986, 2.98544979095459, 4.144217491149902, 2.585449695587158, 2.9175474643707275, 220.02278976142406)]
    public void WarpMatchesKerasAndScipy(double theta, double shiftY, double shiftX, double zoomY, double zoomX, bool nearest,
        double v00, double v45, double v810, double v29, double v71, double sum)
    {
        var result = AffineAugmentation.Warp(Ramp(), 9, 11, theta, shiftY, shiftX, zoomY, zoomX, false, false, nearest);
        Assert.Equal(v00, result[0], 1e-5);
        Assert.Equal(v45, result[4 * 11 + 5], 1e-5);
        Assert.Equal(v810, result[8 * 11 + 10], 1e-5);
        Assert.Equal(v29, result[2 * 11 + 9], 1e-5);
        Assert.Equal(v71, result[7 * 11 + 1], 1e-5);
        Assert.Equal(sum, Synthetic.Sum(result), 1e-3);
    }

    [Fact]
    public void WarpIdentityAndFlips()
    {
        var x = Ramp();
        Assert.Equal(x, AffineAugmentation.Warp(x, 9, 11, 0, 0, 0, 1, 1, false, false, false));
        var flippedH = AffineAugmentation.Warp(x, 9, 11, 0, 0, 0, 1, 1, true, false, true);
        var flippedV = AffineAugmentation.Warp(x, 9, 11, 0, 0, 0, 1, 1, false, true, true);
        for (var i = 0; i < 9; i++)
            for (var j = 0; j < 11; j++)
            {
                Assert.Equal(x[i * 11 + j], flippedH[i * 11 + 10 - j]);
                Assert.Equal(x[i * 11 + j], flippedV[(8 - i) * 11 + j]);
            }
        // a mask stays binary with nearest interpolation
        var mask = x.Select(v => v > 2 ? 1f : 0f).ToArray();
        Assert.All(AffineAugmentation.Warp(mask, 9, 11, 33, 1.2, -0.7, 1.05, 0.93, true, true, true), v => Assert.True(v is 0f or 1f));
    }
}
