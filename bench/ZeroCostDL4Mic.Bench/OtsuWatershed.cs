using ZeroCostDL4Mic.Imaging.Instances;

namespace ZeroCostDL4Mic.Bench;

/// <summary>
/// The classical nuclei baseline of the StarDist acceptance comparison (not part of the product): Gaussian smoothing
/// (σ = 1), Otsu threshold, hole filling, markers at the maxima of the distance transform (plateaus merged, at least
/// minDistance apart) and a marker-controlled watershed on the negated distance transform inside the mask — the
/// usual scikit-image recipe (threshold_otsu, ndi.distance_transform_edt, peak_local_max, watershed).
/// </summary>
public static class OtsuWatershed
{
    public static int[] Segment(float[] image, int height, int width, int minDistance = 4, int minArea = 10)
    {
        var smooth = Gaussian(image, height, width, 1.0);
        double t = Otsu(smooth);
        var mask = new int[smooth.Length];
        for (int i = 0; i < mask.Length; i++) mask[i] = smooth[i] > t ? 1 : 0;
        mask = LabelHoles.Fill(mask, height, width);

        var f = new double[mask.Length];
        for (int i = 0; i < f.Length; i++) f[i] = mask[i] > 0 ? double.PositiveInfinity : 0;
        SquaredDistanceTransform.Apply(f, height, width);
        var dist = f.Select(v => double.IsPositiveInfinity(v) ? 1e6 : Math.Sqrt(v)).ToArray();

        // Markers: pixels that are the maximum of their (2·minDistance+1)² window, greedily kept minDistance apart.
        var peaks = new List<int>();
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int p = y * width + x;
                if (mask[p] == 0 || dist[p] < 1) continue;
                bool isMax = true;
                for (int dy = -minDistance; dy <= minDistance && isMax; dy++)
                    for (int dx = -minDistance; dx <= minDistance; dx++)
                    {
                        int yy = y + dy, xx = x + dx;
                        if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
                        if (dist[yy * width + xx] > dist[p]) { isMax = false; break; }
                    }
                if (isMax) peaks.Add(p);
            }
        peaks.Sort((a, b) => dist[b].CompareTo(dist[a]));
        var markers = new int[mask.Length];
        int next = 0;
        var chosen = new List<int>();
        foreach (int p in peaks)
        {
            int py = p / width, px = p % width;
            if (chosen.Any(c => Math.Abs(c / width - py) <= minDistance && Math.Abs(c % width - px) <= minDistance)) continue;
            chosen.Add(p);
            markers[p] = ++next;
        }

        // Priority flood from the markers over −distance, restricted to the mask (4-connected).
        var labels = (int[])markers.Clone();
        var queue = new PriorityQueue<int, (double, long)>();
        long order = 0;
        foreach (int p in chosen) queue.Enqueue(p, (-dist[p], order++));
        while (queue.Count > 0)
        {
            int p = queue.Dequeue();
            int y = p / width, x = p % width;
            foreach (var (ny, nx) in new[] { (y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1) })
            {
                if (ny < 0 || ny >= height || nx < 0 || nx >= width) continue;
                int q = ny * width + nx;
                if (mask[q] == 0 || labels[q] != 0) continue;
                labels[q] = labels[p];
                queue.Enqueue(q, (-dist[q], order++));
            }
        }
        // Drop fragments smaller than minArea.
        var area = new int[next + 1];
        foreach (int v in labels) area[v]++;
        for (int i = 0; i < labels.Length; i++) if (labels[i] > 0 && area[labels[i]] < minArea) labels[i] = 0;
        return labels;
    }

    /// <summary>skimage threshold_otsu on a 256-bin histogram: the bin centre maximising the between-class variance.</summary>
    public static double Otsu(float[] values)
    {
        float min = values.Min(), max = values.Max();
        if (max <= min) return min;
        const int bins = 256;
        var hist = new double[bins];
        double w = (max - min) / bins;
        foreach (float v in values) hist[Math.Min(bins - 1, (int)((v - min) / w))]++;
        var centres = Enumerable.Range(0, bins).Select(i => min + (i + 0.5) * w).ToArray();
        double best = -1, threshold = centres[0];
        for (int split = 0; split < bins - 1; split++)
        {
            double w1 = 0, m1 = 0, w2 = 0, m2 = 0;
            for (int i = 0; i <= split; i++) { w1 += hist[i]; m1 += hist[i] * centres[i]; }
            for (int i = split + 1; i < bins; i++) { w2 += hist[i]; m2 += hist[i] * centres[i]; }
            if (w1 == 0 || w2 == 0) continue;
            m1 /= w1; m2 /= w2;
            double between = w1 * w2 * (m1 - m2) * (m1 - m2);
            if (between > best) { best = between; threshold = centres[split]; }
        }
        return threshold;
    }

    static float[] Gaussian(float[] image, int height, int width, double sigma)
    {
        int r = (int)Math.Ceiling(4 * sigma);
        var kernel = Enumerable.Range(-r, 2 * r + 1).Select(i => Math.Exp(-i * i / (2 * sigma * sigma))).ToArray();
        double sum = kernel.Sum();
        var temp = new float[image.Length];
        var output = new float[image.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double acc = 0;
                for (int k = -r; k <= r; k++) acc += kernel[k + r] * image[y * width + Math.Clamp(x + k, 0, width - 1)];
                temp[y * width + x] = (float)(acc / sum);
            }
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double acc = 0;
                for (int k = -r; k <= r; k++) acc += kernel[k + r] * temp[Math.Clamp(y + k, 0, height - 1) * width + x];
                output[y * width + x] = (float)(acc / sum);
            }
        return output;
    }
}
