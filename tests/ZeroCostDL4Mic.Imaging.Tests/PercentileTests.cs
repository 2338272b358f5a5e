namespace ZeroCostDL4Mic.Imaging.Tests;

public class PercentileTests
{
    [Fact]
    public void MatchesNumpyOnSmallArrays()
    {
        var a = new float[] { 3, 1, 4, 1, 5, 9, 2, 6 };
        var p = Percentiles.Compute(a, 0, 10, 33.3, 50, 99.8, 100);
        // np.percentile(float32 array, q)
        Assert.Equal(new[] { 1.0, 1.0, 2.3309999999999995, 3.5, 8.957999999999998, 9.0 }, p);

        var b = new float[] { 0.1f, 0.7f, 0.2f, 0.25f, 1e3f, -5f };
        Assert.Equal(new[] { -4.745000004768372, -4.490000009536743, 0.22500000149011612, 990.0070001220705 },
            Percentiles.Compute(b, 1, 2, 50, 99.8));
    }

    [Fact]
    public void MatchesNumpyOnRealImage()
    {
        var image = TiffImages.Read(TestFiles.Path("img2d_256.tif"));
        Assert.Equal(new[] { 12.0, 12.0, 200.9300000000003, 11.0, 231.0 }, Percentiles.Compute(image.Pixels, 1, 2, 99.8, 0.1, 99.9));
    }

    [Fact]
    public void HandlesEdgeCases()
    {
        Assert.Equal(new[] { 7.0, 7.0 }, Percentiles.Compute(new[] { 7f }, 0, 100));
        Assert.True(double.IsNaN(Percentiles.Compute(new[] { 1f, float.NaN, 3f }, 50)[0]));
        Assert.Throws<ArgumentException>(() => Percentiles.Compute(ReadOnlySpan<float>.Empty, 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Compute(new[] { 1f }, 101));
    }

    [Fact]
    public void IsFastOnFourMegapixels()
    {
        var random = new Random(1);
        var values = new float[2048 * 2048];
        for (var i = 0; i < values.Length; i++) values[i] = (float)random.NextDouble();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var p = Percentiles.Compute(values, 1, 99.8);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.InRange(p[0], 0.009, 0.011);
        Assert.InRange(p[1], 0.997, 0.999);
    }

    [Fact]
    public void NormalizerFollowsCsbdeep()
    {
        var values = Enumerable.Range(0, 1001).Select(i => (float)i).ToArray();
        var normalizer = new PercentileNormalizer(2, 99.8);
        var (low, high) = normalizer.Range(values);
        Assert.Equal(20f, low);
        Assert.Equal(998f, high);
        var normalized = normalizer.Normalized(values);
        Assert.Equal(0f, normalized[20]);
        Assert.Equal(1f, normalized[998]);
        Assert.True(normalized[0] < 0); // no clipping
        Assert.True(normalized[1000] > 1);
        var copy = values.ToArray();
        normalizer.Normalize(copy, 5, 5); // constant range: divide by 1e-20, as csbdeep
        Assert.Equal(0f, copy[5]);
        Assert.InRange(copy[6], 0.99e20f, 1.01e20f);
    }

    [Fact]
    public void StatisticsArePopulationStatistics()
    {
        var (min, max, mean, std) = ImageStatistics.Compute(new[] { 1f, 2f, 3f, 4f });
        Assert.Equal(1, min);
        Assert.Equal(4, max);
        Assert.Equal(2.5, mean);
        Assert.Equal(Math.Sqrt(1.25), std, 12);
        Assert.Throws<ArgumentException>(() => ImageStatistics.Compute(ReadOnlySpan<float>.Empty));
    }
}
