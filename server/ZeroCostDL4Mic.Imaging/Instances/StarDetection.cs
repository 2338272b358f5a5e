namespace ZeroCostDL4Mic.Imaging.Instances;

/// <summary>One detected object: its label in the label image, centroid and area of its drawn pixels, probability and polygon.</summary>
public sealed record DetectedObject(
    int Label, double CentroidY, double CentroidX, int Area, float Probability, int PointY, int PointX,
    double[] PolygonRows, double[] PolygonCols);

/// <summary>A label image (0 = background, ids 1..n by descending probability) and its objects.</summary>
public sealed record InstanceSegmentation(int[] Labels, int Height, int Width, IReadOnlyList<DetectedObject> Objects);

/// <summary>
/// stardist's predict_instances post-processing on grid-resolution maps: candidates with prob &gt; threshold away
/// from the border, sorted by probability, polygon NMS, rendering. Candidates stay on the grid: the centre of cell
/// (i, j) is pixel (i·gy, j·gx) and the distances are in full-resolution pixels (no upsampling).
/// </summary>
public static class StarDetection
{
    /// <param name="probability">gridHeight × gridWidth object probabilities.</param>
    /// <param name="distances">gridHeight × gridWidth × nRays distances (rays last).</param>
    /// <param name="border">Cells this close to the map border are not candidates (the original's b = 2).</param>
    public static InstanceSegmentation Detect(ReadOnlySpan<float> probability, ReadOnlySpan<float> distances, int gridHeight, int gridWidth,
        int nRays, int gridY, int gridX, int height, int width, double probThreshold, double nmsThreshold, int border = 2)
    {
        if (probability.Length != gridHeight * gridWidth || distances.Length != (long)gridHeight * gridWidth * nRays)
            throw new ArgumentException($"maps of {gridHeight}x{gridWidth} need {gridHeight * gridWidth} probabilities and {gridHeight * gridWidth * nRays} distances");
        var candidates = new List<int>();
        for (int i = border; i < gridHeight - border; i++)
            for (int j = border; j < gridWidth - border; j++)
            {
                int cell = i * gridWidth + j;
                if (probability[cell] > probThreshold && i * gridY < height && j * gridX < width) candidates.Add(cell);
            }
        var probs = probability.ToArray();
        // Descending probability; ties: the later row-major cell first (the original's argsort(...)[::-1]).
        candidates.Sort((a, b) => probs[a] != probs[b] ? probs[b].CompareTo(probs[a]) : b.CompareTo(a));
        int n = candidates.Count;
        var py = new int[n];
        var px = new int[n];
        var dist = new float[n * nRays];
        var prob = new float[n];
        for (int c = 0; c < n; c++)
        {
            int cell = candidates[c];
            py[c] = cell / gridWidth * gridY;
            px[c] = cell % gridWidth * gridX;
            prob[c] = probs[cell];
            for (int k = 0; k < nRays; k++) dist[c * nRays + k] = Math.Max(distances[cell * nRays + k], 1e-3f);
        }
        var kept = PolygonNms.Suppress(py, px, dist, nRays, nmsThreshold);
        return Render(kept.Select(i => (py[i], px[i], prob[i], dist.AsSpan(i * nRays, nRays).ToArray())).ToList(), height, width);
    }

    /// <summary>Draws the polygons (given by descending probability) and measures each object's drawn pixels.</summary>
    public static InstanceSegmentation Render(IReadOnlyList<(int PointY, int PointX, float Probability, float[] Distances)> polygons, int height, int width)
    {
        var shapes = polygons.Select(p => StarPolygons.Vertices(p.PointY, p.PointX, p.Distances)).ToList();
        var labels = PolygonRendering.Render(shapes, polygons.Select(p => p.Probability).ToList(), height, width);
        var stats = LabelStatistics.Measure(labels, height, width, polygons.Count);
        var objects = new List<DetectedObject>();
        for (int n = 0; n < polygons.Count; n++)
        {
            var s = stats[n + 1];
            if (s.Area == 0) continue; // entirely covered by more probable objects: not in the label image either
            objects.Add(new DetectedObject(n + 1, s.CentroidY, s.CentroidX, s.Area, polygons[n].Probability, polygons[n].PointY, polygons[n].PointX, shapes[n].Rows, shapes[n].Cols));
        }
        return new InstanceSegmentation(labels, height, width, objects);
    }
}

/// <summary>Area and centroid of every label 1..maxLabel of a label image.</summary>
public static class LabelStatistics
{
    public readonly record struct Entry(int Area, double CentroidY, double CentroidX);

    public static Entry[] Measure(ReadOnlySpan<int> labels, int height, int width, int maxLabel)
    {
        var area = new long[maxLabel + 1];
        var sumY = new double[maxLabel + 1];
        var sumX = new double[maxLabel + 1];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int v = labels[y * width + x];
                if (v <= 0 || v > maxLabel) continue;
                area[v]++;
                sumY[v] += y;
                sumX[v] += x;
            }
        var result = new Entry[maxLabel + 1];
        for (int v = 1; v <= maxLabel; v++)
            result[v] = area[v] == 0 ? new Entry(0, double.NaN, double.NaN) : new Entry((int)area[v], sumY[v] / area[v], sumX[v] / area[v]);
        return result;
    }
}
