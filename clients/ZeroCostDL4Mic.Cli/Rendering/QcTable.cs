using Spectre.Console;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Rendering;

/// <summary>
/// A QC report as one table: a row per image, a "mean" row, columns named as in the report; or, when that is wider
/// than the console (instance QC has over twenty metrics), a row per metric with a column per image and the mean.
/// </summary>
public static class QcTable
{
    public static Table Build(QcReport report, int width = int.MaxValue)
    {
        var metrics = report.Images.SelectMany(i => i.Metrics.Select(m => m.Name)).Distinct().ToList();
        var rows = new List<string[]>();
        foreach (var image in report.Images)
        {
            var byName = image.Metrics.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.First().Value);
            rows.Add([image.Image, .. metrics.Select(c => byName.TryGetValue(c, out var v) ? Names.Number(v) : "-")]);
        }
        if (report.Images.Count > 0)
        {
            var summary = report.Summary.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.First().Value);
            rows.Add(["mean", .. metrics.Select(c => Names.Number(summary.TryGetValue(c, out var v) ? v : Mean(report, c)))]);
        }

        Table table;
        if (Width(["image", .. metrics], rows) <= width) table = Render("image", metrics, rows, boldLastRow: report.Images.Count > 0);
        else
        {
            var heads = rows.Select(r => r[0]).ToList();
            var byMetric = metrics.Select((m, i) => (string[])[m, .. rows.Select(r => r[i + 1])]).ToList();
            if (Width(["metric", .. heads], byMetric) > width && rows.Count > 1)
            {
                heads = [heads[^1]];
                byMetric = byMetric.Select(r => (string[])[r[0], r[^1]]).ToList();
            }
            table = Render("metric", heads, byMetric, boldLastRow: false);
        }
        var summaryOnly = report.Summary.Where(m => !metrics.Contains(m.Name)).ToList();
        if (summaryOnly.Count > 0)
        {
            var caption = string.Join("   ", summaryOnly.Select(m => $"{m.Name} {Names.Number(m.Value)}"));
            table.Caption(Markup.Escape(caption));
        }
        return table;
    }

    /// <summary>Columns of a rounded Spectre table: each as wide as its widest cell, one space of padding each side, a border between.</summary>
    private static int Width(IReadOnlyList<string> header, IReadOnlyList<string[]> rows) =>
        header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max() + 2).Sum() + header.Count + 1;

    private static Table Render(string corner, IReadOnlyList<string> heads, IReadOnlyList<string[]> rows, bool boldLastRow)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn(corner);
        foreach (var head in heads) table.AddColumn(new TableColumn(Markup.Escape(head)).RightAligned());
        for (int i = 0; i < rows.Count; i++)
        {
            var label = Markup.Escape(rows[i][0]);
            table.AddRow([boldLastRow && i == rows.Count - 1 ? $"[bold]{label}[/]" : label, .. rows[i].Skip(1).Select(Markup.Escape)]);
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
