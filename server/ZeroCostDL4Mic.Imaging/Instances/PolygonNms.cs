namespace ZeroCostDL4Mic.Imaging.Instances;

/// <summary>
/// stardist's greedy polygon non-maximum suppression (c_non_max_suppression_inds): candidates sorted by descending
/// probability; each survivor suppresses every later candidate whose overlap with it exceeds the threshold, where
/// overlap = |A∩B| / min(|A|, |B|) (not IoU) on the polygons with vertices truncated toward zero, as Clipper's
/// integer points. Bounding-box and centre-distance prefilters skip pairs that cannot intersect.
/// </summary>
public static class PolygonNms
{
    /// <summary>
    /// Returns the indices (into the given, already sorted, candidates) of the survivors, in order.
    /// pointY/pointX are the centres in pixels; distances holds nRays values per candidate.
    /// </summary>
    public static int[] Suppress(ReadOnlySpan<int> pointY, ReadOnlySpan<int> pointX, ReadOnlySpan<float> distances, int nRays, double threshold)
    {
        int n = pointY.Length;
        if (pointX.Length != n || distances.Length != (long)n * nRays)
            throw new ArgumentException($"{n} points need {n} columns and {n * nRays} distances");
        if (n == 0) return Array.Empty<int>();
        float angle = (float)(2 * Math.PI / nRays);
        var cos = new float[nRays];
        var sin = new float[nRays];
        for (int k = 0; k < nRays; k++) { cos[k] = MathF.Cos(angle * k); sin[k] = MathF.Sin(angle * k); }

        var xs = new double[n * nRays];
        var ys = new double[n * nRays];
        var area = new double[n];
        var box = new (double X0, double Y0, double X1, double Y1)[n];
        double maxRadius = 0;
        for (int i = 0; i < n; i++)
        {
            double x0 = double.MaxValue, y0 = double.MaxValue, x1 = double.MinValue, y1 = double.MinValue;
            for (int k = 0; k < nRays; k++)
            {
                float d = distances[i * nRays + k];
                maxRadius = Math.Max(maxRadius, d);
                // float32 vertices truncated toward zero, as Clipper's IntPoint cast in the original.
                double x = Math.Truncate(pointX[i] + d * cos[k]);
                double y = Math.Truncate(pointY[i] + d * sin[k]);
                xs[i * nRays + k] = x;
                ys[i * nRays + k] = y;
                x0 = Math.Min(x0, x); y0 = Math.Min(y0, y); x1 = Math.Max(x1, x); y1 = Math.Max(y1, y);
            }
            box[i] = (x0, y0, x1, y1);
            area[i] = StarPolygons.Area(xs.AsSpan(i * nRays, nRays), ys.AsSpan(i * nRays, nRays));
        }

        // Buckets of candidate indices by centre, so each survivor only visits nearby candidates.
        int cell = Math.Max(8, (int)Math.Ceiling(2 * maxRadius) + 2);
        int minY = int.MaxValue, minX = int.MaxValue, maxY = int.MinValue, maxX = int.MinValue;
        for (int i = 0; i < n; i++) { minY = Math.Min(minY, pointY[i]); minX = Math.Min(minX, pointX[i]); maxY = Math.Max(maxY, pointY[i]); maxX = Math.Max(maxX, pointX[i]); }
        int rowsOfCells = (maxY - minY) / cell + 1, colsOfCells = (maxX - minX) / cell + 1;
        var buckets = new List<int>[rowsOfCells * colsOfCells];
        for (int i = 0; i < n; i++)
        {
            int b = (pointY[i] - minY) / cell * colsOfCells + (pointX[i] - minX) / cell;
            (buckets[b] ??= new List<int>()).Add(i);
        }

        var suppressed = new bool[n];
        var kept = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (suppressed[i]) continue;
            kept.Add(i);
            var bi = box[i];
            // Any candidate whose box meets box i has its centre within maxRadius of it.
            int r0 = Math.Max(0, (int)Math.Floor((bi.Y0 - maxRadius - 1 - minY) / cell)), r1 = Math.Min(rowsOfCells - 1, (int)Math.Floor((bi.Y1 + maxRadius + 1 - minY) / cell));
            int c0 = Math.Max(0, (int)Math.Floor((bi.X0 - maxRadius - 1 - minX) / cell)), c1 = Math.Min(colsOfCells - 1, (int)Math.Floor((bi.X1 + maxRadius + 1 - minX) / cell));
            var pxI = xs.AsSpan(i * nRays, nRays);
            var pyI = ys.AsSpan(i * nRays, nRays);
            for (int r = r0; r <= r1; r++)
                for (int c = c0; c <= c1; c++)
                {
                    var bucket = buckets[r * colsOfCells + c];
                    if (bucket is null) continue;
                    foreach (int j in bucket)
                    {
                        if (j <= i || suppressed[j]) continue;
                        var bj = box[j];
                        // Boxes that do not overlap with positive area cannot share area.
                        if (bj.X0 >= bi.X1 || bj.X1 <= bi.X0 || bj.Y0 >= bi.Y1 || bj.Y1 <= bi.Y0) continue;
                        double inter = StarPolygons.IntersectionArea(pxI, pyI, xs.AsSpan(j * nRays, nRays), ys.AsSpan(j * nRays, nRays));
                        double overlap = inter / Math.Min(area[i] + 1e-10, area[j] + 1e-10);
                        if (overlap > threshold) suppressed[j] = true;
                    }
                }
        }
        return kept.ToArray();
    }
}
