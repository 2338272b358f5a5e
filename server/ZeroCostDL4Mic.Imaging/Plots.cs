using ScottPlot;

namespace ZeroCostDL4Mic.Imaging;

/// <summary>Training figures as PNG (ScottPlot 5, headless); files appear atomically. Non-finite points are skipped.</summary>
public static class Plots
{
    private const int Width = 800;
    private const int Height = 500;

    /// <summary>Training and validation loss per epoch (epochs numbered from 1), linear y axis.</summary>
    public static void SaveLossCurves(string path, IReadOnlyList<double> loss, IReadOnlyList<double> valLoss)
    {
        var plot = new Plot();
        AddSeries(plot, loss, 1, "training loss", Colors.Blue);
        AddSeries(plot, valLoss, 1, "validation loss", Colors.OrangeRed);
        plot.Title("Training and validation loss");
        plot.XLabel("epoch");
        plot.YLabel("loss");
        if (loss.Count > 0 || valLoss.Count > 0) plot.ShowLegend(Alignment.UpperRight);
        Save(plot, path);
    }

    /// <summary>IoU against the threshold 0..255 applied to the 8-bit prediction, best threshold marked.</summary>
    public static void SaveIouVsThreshold(string path, IReadOnlyList<double> iouByThreshold)
    {
        var plot = new Plot();
        AddSeries(plot, iouByThreshold, 0, "IoU", Colors.Blue);
        var best = -1;
        for (var t = 0; t < iouByThreshold.Count; t++)
            if (double.IsFinite(iouByThreshold[t]) && (best < 0 || iouByThreshold[t] > iouByThreshold[best])) best = t;
        if (best >= 0)
        {
            var line = plot.Add.VerticalLine(best, 1, Colors.Gray);
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = $"best threshold {best} (IoU {iouByThreshold[best]:0.###})";
            plot.ShowLegend(Alignment.UpperRight);
        }
        plot.Axes.SetLimitsY(0, 1.05);
        plot.Title("IoU against threshold");
        plot.XLabel("threshold");
        plot.YLabel("IoU");
        Save(plot, path);
    }

    private static void AddSeries(Plot plot, IReadOnlyList<double> values, int firstX, string label, Color color)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (var i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i])) continue;
            xs.Add(i + firstX);
            ys.Add(values[i]);
        }
        if (xs.Count == 0) return;
        var scatter = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
        scatter.LegendText = label;
        scatter.MarkerSize = xs.Count > 50 ? 0 : 4;
        scatter.LineWidth = 2;
    }

    private static void Save(Plot plot, string path)
    {
        var bytes = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, bytes);
    }
}
