namespace ZeroCostDL4Mic.Imaging.Instances;

/// <summary>stardist's polygons_to_label: draws star polygons into an integer label image with skimage's polygon rule.</summary>
public static class PolygonRendering
{
    /// <summary>
    /// Draws polygon n (vertices in rows/cols) with label n+1, in ascending probability (stable), so the most probable
    /// polygon is drawn last and wins overlaps. A pixel centre inside the polygon or on its edge or vertex is filled.
    /// </summary>
    public static int[] Render(IReadOnlyList<(double[] Rows, double[] Cols)> polygons, IReadOnlyList<float> probabilities, int height, int width)
    {
        if (polygons.Count != probabilities.Count) throw new ArgumentException("one probability per polygon is needed");
        var labels = new int[height * width];
        var order = Enumerable.Range(0, polygons.Count).OrderBy(i => probabilities[i]).ToArray();
        foreach (int index in order) Fill(labels, height, width, polygons[index].Rows, polygons[index].Cols, index + 1);
        return labels;
    }

    /// <summary>skimage.draw.polygon(rows, cols, shape): scans the clipped bounding box and tests every pixel centre.</summary>
    public static void Fill(int[] labels, int height, int width, double[] rows, double[] cols, int label)
    {
        int minR = (int)Math.Max(0, rows.Min()), maxR = Math.Min(height - 1, (int)Math.Ceiling(rows.Max()));
        int minC = (int)Math.Max(0, cols.Min()), maxC = Math.Min(width - 1, (int)Math.Ceiling(cols.Max()));
        for (int r = minR; r <= maxR; r++)
            for (int c = minC; c <= maxC; c++)
                if (StarPolygons.PointInPolygon(cols, rows, c, r) != 0)
                    labels[r * width + c] = label;
    }
}
