using System.Globalization;
using ZeroCostDL4Mic.Imaging;

namespace ZeroCostDL4Mic.Engine.Networks.Common;

/// <summary>Percentile normalisation of whole planes, shared by training and prediction so both see the same scale.</summary>
public static class PlaneNormalization
{
    public static NormalizedPlane Percentile(ReadOnlySpan<float> plane, double low, double high)
    {
        var normalizer = new PercentileNormalizer(low, high);
        var (lo, hi) = normalizer.Range(plane);
        var pixels = plane.ToArray();
        normalizer.Normalize(pixels, lo, hi);
        return new NormalizedPlane(pixels, lo, hi - lo + 1e-20f);
    }

    public static NormalizedPlane Percentile(ReadOnlySpan<float> plane, IReadOnlyDictionary<string, string> state) =>
        Percentile(plane, Get(state, "percentile_low", 1), Get(state, "percentile_high", 99.8));

    public static float[] Restore(float[] values, NormalizedPlane input)
    {
        var restored = new float[values.Length];
        for (int i = 0; i < values.Length; i++) restored[i] = values[i] * input.Scale + input.Offset;
        return restored;
    }

    public static double Get(IReadOnlyDictionary<string, string> state, string key, double fallback) =>
        state.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
