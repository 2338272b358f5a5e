namespace ZeroCostDL4Mic.Imaging;

/// <summary>Percentiles exactly as numpy <c>np.percentile</c> (method 'linear') on a float32 array.</summary>
public static class Percentiles
{
    /// <summary>
    /// Sorts a copy once, then for each p: h = (n-1)·(p/100), lo = ⌊h⌋, t = h - lo and numpy's lerp
    /// (a + (b-a)·t for t &lt; 0.5, else b - (b-a)·(1-t), with b-a taken in float32). A NaN anywhere gives NaN.
    /// </summary>
    public static double[] Compute(ReadOnlySpan<float> values, params double[] percents)
    {
        if (values.IsEmpty) throw new ArgumentException("cannot take percentiles of an empty array", nameof(values));
        foreach (var p in percents)
            if (!(p >= 0 && p <= 100)) throw new ArgumentOutOfRangeException(nameof(percents), p, "percentiles must lie in [0, 100]");
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return Interpolate(sorted, percents);
    }

    /// <summary>Percentiles of an already sorted (ascending, NaN first as Array.Sort leaves them) array.</summary>
    internal static double[] Interpolate(float[] sorted, double[] percents)
    {
        var result = new double[percents.Length];
        if (float.IsNaN(sorted[0]))
        {
            Array.Fill(result, double.NaN);
            return result;
        }
        var n = sorted.Length;
        for (var i = 0; i < percents.Length; i++)
        {
            var h = (n - 1) * (percents[i] / 100);
            if (h >= n - 1)
            {
                result[i] = sorted[n - 1];
                continue;
            }
            var lo = (int)Math.Floor(h);
            var t = h - lo;
            float a = sorted[lo], b = sorted[lo + 1];
            var diff = (double)(b - a);
            result[i] = t < 0.5 ? a + diff * t : b - diff * (1 - t);
        }
        return result;
    }
}
