namespace ZeroCostDL4Mic.Imaging;

/// <summary>Summary statistics of a float image (float64 accumulation, population standard deviation).</summary>
public static class ImageStatistics
{
    /// <summary>Min, max, mean and std (ddof 0); NaN values propagate into every result.</summary>
    public static (double Min, double Max, double Mean, double Std) Compute(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) throw new ArgumentException("cannot summarise an empty array", nameof(values));
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        var hasNaN = false;
        foreach (var v in values)
        {
            if (float.IsNaN(v)) { hasNaN = true; continue; }
            if (v < min) min = v;
            if (v > max) max = v;
            sum += v;
        }
        if (hasNaN) return (double.NaN, double.NaN, double.NaN, double.NaN);
        var mean = sum / values.Length;
        double squares = 0;
        foreach (var v in values)
        {
            var d = v - mean;
            squares += d * d;
        }
        return (min, max, mean, Math.Sqrt(squares / values.Length));
    }
}
