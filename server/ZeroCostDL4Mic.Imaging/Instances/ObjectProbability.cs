namespace ZeroCostDL4Mic.Imaging.Instances;

/// <summary>
/// stardist's edt_prob: per object, the Euclidean distance of each pixel to the nearest pixel of another label or
/// the background, divided by the object's maximum (+1e-10). The image border is not boundary, except that an
/// image holding one label only is treated as padded with background.
/// </summary>
public static class ObjectProbability
{
    public static float[] Compute(ReadOnlySpan<int> labels, int height, int width)
    {
        if (height <= 0 || width <= 0 || (long)height * width != labels.Length)
            throw new ArgumentException($"{labels.Length} labels do not make a {height}x{width} image");
        var result = new float[labels.Length];
        bool constant = labels[0] > 0 && !labels.ContainsAnyExcept(labels[0]);
        foreach (var (label, box) in LabelBoxes.Find(labels, height, width))
        {
            // The nearest other pixel of any object pixel lies inside the box grown by one (clamping a point
            // towards the box never lengthens the distance), so the transform runs on that window only.
            int pad = constant ? 1 : 0;
            int y0 = Math.Max(0, box.Y0 - 1) - pad, x0 = Math.Max(0, box.X0 - 1) - pad;
            int y1 = Math.Min(height - 1, box.Y1 + 1) + pad, x1 = Math.Min(width - 1, box.X1 + 1) + pad;
            int h = y1 - y0 + 1, w = x1 - x0 + 1;
            var f = new double[h * w];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int gy = y0 + y, gx = x0 + x;
                    bool inside = gy >= 0 && gy < height && gx >= 0 && gx < width && labels[gy * width + gx] == label;
                    f[y * w + x] = inside ? double.PositiveInfinity : 0;
                }
            SquaredDistanceTransform.Apply(f, h, w);
            double max = 0;
            for (int i = 0; i < f.Length; i++) if (double.IsFinite(f[i])) max = Math.Max(max, f[i]);
            float maxDistance = (float)Math.Sqrt(max);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int gy = y0 + y, gx = x0 + x;
                    if (gy < 0 || gy >= height || gx < 0 || gx >= width || labels[gy * width + gx] != label) continue;
                    result[gy * width + gx] = (float)Math.Sqrt(f[y * w + x]) / (maxDistance + 1e-10f);
                }
        }
        return result;
    }
}

/// <summary>Exact squared Euclidean distance transform (Felzenszwalb and Huttenlocher 2012): zeros are the sites.</summary>
public static class SquaredDistanceTransform
{
    /// <summary>In place: f holds 0 at sites and +∞ elsewhere; afterwards each value is the squared distance to the nearest site.</summary>
    public static void Apply(double[] f, int height, int width)
    {
        int n = Math.Max(height, width);
        var line = new double[n];
        var output = new double[n];
        var v = new int[n];
        var z = new double[n + 1];
        for (int x = 0; x < width; x++)
        {
            for (int y = 0; y < height; y++) line[y] = f[y * width + x];
            OneDimension(line, height, output, v, z);
            for (int y = 0; y < height; y++) f[y * width + x] = output[y];
        }
        for (int y = 0; y < height; y++)
        {
            Array.Copy(f, y * width, line, 0, width);
            OneDimension(line, width, output, v, z);
            Array.Copy(output, 0, f, y * width, width);
        }
    }

    static void OneDimension(double[] f, int n, double[] d, int[] v, double[] z)
    {
        int k = -1;
        for (int q = 0; q < n; q++)
        {
            if (double.IsPositiveInfinity(f[q])) continue;
            if (k < 0) { k = 0; v[0] = q; z[0] = double.NegativeInfinity; z[1] = double.PositiveInfinity; continue; }
            double s;
            while (true)
            {
                int p = v[k];
                s = (f[q] + (double)q * q - (f[p] + (double)p * p)) / (2.0 * (q - p));
                if (s <= z[k] && k > 0) { k--; continue; }
                break;
            }
            if (s <= z[k]) { v[0] = q; z[0] = double.NegativeInfinity; z[1] = double.PositiveInfinity; k = 0; continue; }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = double.PositiveInfinity;
        }
        if (k < 0) { for (int q = 0; q < n; q++) d[q] = double.PositiveInfinity; return; }
        int j = 0;
        for (int q = 0; q < n; q++)
        {
            while (z[j + 1] < q) j++;
            double diff = q - v[j];
            d[q] = diff * diff + f[v[j]];
        }
    }
}
