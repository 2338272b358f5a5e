namespace ZeroCostDL4Mic.Imaging.Tests;

public class SegmentationQualityTests
{
    [Fact]
    public void CaseCIouSweep()
    {
        const int n = 32;
        var probabilities = new float[n * n];
        var truth = new bool[n * n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                var k = (5 * i + 3 * j) % 17;
                probabilities[i * n + j] = (float)(k / 16.0);
                truth[i * n + j] = k >= 9 && (i + j) % 5 != 0;
            }
        var prediction = SegmentationQuality.ToUByte(probabilities);
        var levels = prediction.Distinct().OrderBy(v => v).ToArray();
        Assert.Equal(new byte[] { 0, 16, 32, 48, 64, 80, 96, 112, 128, 143, 159, 175, 191, 207, 223, 239, 255 }, levels);

        var sweep = SegmentationQuality.IouSweep(prediction, truth);
        Assert.Equal(0.8045738046, sweep.BestIou, 1e-10);
        Assert.Equal(128, sweep.BestThreshold);
        Assert.Equal(0.401452, sweep.IouByThreshold[0], 1e-6);
        Assert.Equal(0.0, sweep.IouByThreshold[255]);
        Assert.Equal(256, sweep.IouByThreshold.Length);

        // the histogram sweep equals the direct definition at every threshold
        for (var t = 0; t < 256; t++)
        {
            var mask = prediction.Select(v => v > t).ToArray();
            Assert.Equal(SegmentationQuality.Iou(truth, mask), sweep.IouByThreshold[t], 12);
        }
    }

    [Fact]
    public void UByteRoundsHalfToEvenAndClips()
    {
        Assert.Equal(new byte[] { 0, 2, 2 }, SegmentationQuality.ToUByte(new[] { 0.5f / 255, 1.5f / 255, 2.5f / 255 }));
        Assert.Equal(new byte[] { 0, 255, 0, 128, 255 }, SegmentationQuality.ToUByte(new[] { -0.2f, 1.7f, float.NaN, 0.5f, 1f }));
    }

    [Fact]
    public void EmptyUnionGivesNaN()
    {
        var sweep = SegmentationQuality.IouSweep(new byte[4], new bool[4]);
        Assert.True(double.IsNaN(sweep.BestIou));
        Assert.Equal(0, sweep.BestThreshold);
        Assert.True(double.IsNaN(SegmentationQuality.Iou(new bool[3], new bool[3])));
        Assert.Equal(0.5, SegmentationQuality.Iou(new[] { true, true, false }, new[] { true, false, false }));
        Assert.Throws<ArgumentException>(() => SegmentationQuality.IouSweep(new byte[3], new bool[4]));
    }

    [Fact]
    public void SweepIsLinearTime()
    {
        var random = new Random(3);
        var prediction = new byte[4_000_000];
        random.NextBytes(prediction);
        var truth = prediction.Select(v => v > 100).ToArray();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var sweep = SegmentationQuality.IouSweep(prediction, truth);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.Equal(1.0, sweep.BestIou);
        Assert.Equal(100, sweep.BestThreshold);
    }
}
