using Spectre.Console;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Rendering;

/// <summary>A QC report as one table: a row per image, a "mean" row, columns named as in the report.</summary>
public static class QcTable
{
    public static Table Build(QcReport report)
    {
        var columns = report.Images.SelectMany(i => i.Metrics.Select(m => m.Name)).Distinct().ToList();
        var summaryOnly = report.Summary.Where(m => !columns.Contains(m.Name)).ToList();
        var table = new Table().Border(TableBorder.Rounded).AddColumn("image");
        foreach (var column in columns) table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());

        foreach (var image in report.Images)
        {
            var byName = image.Metrics.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.First().Value);
            table.AddRow([Markup.Escape(image.Image), .. columns.Select(c => byName.TryGetValue(c, out var v) ? Names.Number(v) : "-")]);
        }
        if (report.Images.Count > 0)
        {
            var summary = report.Summary.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.First().Value);
            table.AddRow(["[bold]mean[/]", .. columns.Select(c => Names.Number(summary.TryGetValue(c, out var v) ? v : Mean(report, c)))]);
        }
        if (summaryOnly.Count > 0)
        {
            var caption = string.Join("   ", summaryOnly.Select(m => $"{m.Name} {Names.Number(m.Value)}"));
            table.Caption(Markup.Escape(caption));
        }
        return table;
    }

    /// <summary>The report's mean of a metric, or the mean of its per-image values when the summary lacks it.</summary>
    public static double Summary(QcReport report, string name)
    {
        var fromSummary = report.Summary.FirstOrDefault(m => m.Name == name);
        return fromSummary is not null ? fromSummary.Value : Mean(report, name);
    }

    private static double Mean(QcReport report, string name)
    {
        var values = report.Images.SelectMany(i => i.Metrics).Where(m => m.Name == name).Select(m => m.Value).ToList();
        return values.Count == 0 ? double.NaN : values.Average();
    }

    /// <summary>
    /// "input vs prediction" for metrics reported as input_X and prediction_X (ZeroCostDL4Mic's QC columns),
    /// or null when the report has no such pairs (segmentation QC).
    /// </summary>
    public static Table? Comparison(QcReport report)
    {
        var names = report.Summary.Select(m => m.Name).Concat(report.Images.SelectMany(i => i.Metrics).Select(m => m.Name)).Distinct().ToList();
        var metrics = names.Where(n => n.StartsWith("prediction_", StringComparison.Ordinal))
            .Select(n => n["prediction_".Length..])
            .Where(m => names.Contains("input_" + m))
            .ToList();
        if (metrics.Count == 0) return null;
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("metric (mean)")
            .AddColumn(new TableColumn("input vs target").RightAligned())
            .AddColumn(new TableColumn("prediction vs target").RightAligned());
        foreach (var metric in metrics)
            table.AddRow(Markup.Escape(metric.ToUpperInvariant()), Names.Number(Summary(report, "input_" + metric)),
                Names.Number(Summary(report, "prediction_" + metric)));
        return table;
    }
}
