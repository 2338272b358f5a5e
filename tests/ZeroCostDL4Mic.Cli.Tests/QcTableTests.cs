using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Tests;

public class QcTableTests
{
    private static QcReport Report(int images, params string[] metrics)
    {
        var report = new QcReport();
        for (int i = 0; i < images; i++)
        {
            var image = new QcImageResult { Image = $"crop_{i}.tif" };
            image.Metrics.AddRange(metrics.Select((m, k) => new QcMetric { Name = m, Value = 0.123456 * (k + 1) + i }));
            report.Images.Add(image);
        }
        report.Summary.AddRange(metrics.Select(m => new QcMetric { Name = m, Value = 0.5 }));
        return report;
    }

    /// <summary>Stardist's matching metrics and F1 at the nine IoU thresholds, as instance QC reports them.</summary>
    private static readonly string[] InstanceMetrics =
    [
        "iou", "tp", "fp", "fn", "precision", "recall", "accuracy", "f1", "n_true", "n_pred", "mean_true_score", "mean_matched_score",
        "panoptic_quality", .. Enumerable.Range(1, 9).Select(t => $"f1@0.{t}"),
    ];

    private static string[] Render(QcReport report, int width)
    {
        var stdout = new StringWriter();
        var console = CliConsole.ForWriters(stdout, new StringWriter(), width);
        console.Stdout.Write(QcTable.Build(report, width));
        return stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Theory]
    [InlineData(2, 80)]
    [InlineData(2, 160)]
    [InlineData(12, 80)]
    public void Instance_metrics_are_a_row_each_when_a_column_each_does_not_fit(int images, int width)
    {
        var lines = Render(Report(images, InstanceMetrics), width);

        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= width, line));
        foreach (var metric in InstanceMetrics)
            Assert.Single(lines, l => l.Split('│', StringSplitOptions.TrimEntries).Contains(metric));
        Assert.Contains(lines, l => l.Contains("mean") && !l.Contains("mean_"));
    }

    [Fact]
    public void Few_metrics_keep_a_row_per_image_and_a_mean_row()
    {
        var lines = Render(Report(3, "prediction_ssim", "input_ssim"), 80);

        Assert.Contains(lines, l => l.Contains("prediction_ssim") && l.Contains("input_ssim"));
        Assert.Equal(3, lines.Count(l => l.Contains("crop_")));
        Assert.Contains(lines, l => l.Contains("│ mean"));
    }
}
