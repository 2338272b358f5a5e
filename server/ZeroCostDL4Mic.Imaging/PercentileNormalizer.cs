namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// csbdeep's percentile normalisation: x' = (x - P_low)/(P_high - P_low + 1e-20), in float32 and without
/// clipping (csbdeep <c>normalize</c>; ZeroCostDL4Mic's U-Net uses 1/99.8, CARE prediction 2/99.8).
/// </summary>
public sealed class PercentileNormalizer(double lowPercentile = 1, double highPercentile = 99.8)
{
    public double LowPercentile { get; } = lowPercentile;
    public double HighPercentile { get; } = highPercentile;

    public (float Low, float High) Range(ReadOnlySpan<float> values)
    {
        var p = Percentiles.Compute(values, LowPercentile, HighPercentile);
        return ((float)p[0], (float)p[1]);
    }

    public void Normalize(Span<float> values, float low, float high)
    {
        var scale = high - low + 1e-20f;
        for (var i = 0; i < values.Length; i++)
            values[i] = (values[i] - low) / scale;
    }

    public float[] Normalized(ReadOnlySpan<float> values)
    {
        var (low, high) = Range(values);
        var copy = values.ToArray();
        Normalize(copy, low, high);
        return copy;
    }
}
