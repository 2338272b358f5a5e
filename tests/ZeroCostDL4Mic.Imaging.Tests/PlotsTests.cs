namespace ZeroCostDL4Mic.Imaging.Tests;

public class PlotsTests
{
    [Fact]
    public void LossCurvesRenderToPng()
    {
        using var scratch = new ScratchFolder();
        var path = scratch.File("loss.png");
        var loss = Enumerable.Range(0, 40).Select(e => 1.0 / (e + 1) + 0.05).ToList();
        var valLoss = Enumerable.Range(0, 40).Select(e => 1.2 / (e + 1) + 0.08).ToList();
        valLoss[7] = double.NaN; // skipped, not fatal
        Plots.SaveLossCurves(path, loss, valLoss);
        AssertPlotWithText(path);
        Assert.Single(Directory.GetFiles(scratch.Root));
    }

    [Fact]
    public void IouCurveRendersToPng()
    {
        using var scratch = new ScratchFolder();
        var path = scratch.File("iou.png");
        var iou = Enumerable.Range(0, 256).Select(t => t == 255 ? double.NaN : Math.Exp(-Math.Pow((t - 128) / 60.0, 2))).ToList();
        Plots.SaveIouVsThreshold(path, iou);
        AssertPlotWithText(path);
    }

    [Fact]
    public void EmptySeriesStillRender()
    {
        using var scratch = new ScratchFolder();
        var path = scratch.File("empty.png");
        Plots.SaveLossCurves(path, Array.Empty<double>(), Array.Empty<double>());
        Assert.True(new FileInfo(path).Length > 0);
    }

    /// <summary>A real PNG whose title band (top 40 rows) holds dark text pixels: fonts were found.</summary>
    private static void AssertPlotWithText(string path)
    {
        var image = ImageFiles.Read(path);
        Assert.Equal(new[] { 500, 800 }, image.Shape);
        var dark = 0;
        for (var y = 0; y < 40; y++)
            for (var x = 0; x < 800; x++)
                if (image.Pixels[y * 800 + x] < 128) dark++;
        Assert.True(dark > 100, $"only {dark} dark pixels in the title band");
    }
}
