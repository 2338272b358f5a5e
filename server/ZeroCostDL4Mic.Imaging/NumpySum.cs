namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// numpy's summation order for reductions (pairwise sums of 8 accumulators within blocks of 128, over
/// buffers of 8192 elements), so means computed "as numpy does" agree to the last bit where it matters.
/// </summary>
internal static class NumpySum
{
    private const int BufferSize = 8192;

    /// <summary><c>np.sum</c> of a float32 array, accumulated in float32.</summary>
    public static float Float32(ReadOnlySpan<float> values)
    {
        var result = 0f;
        for (var start = 0; start < values.Length; start += BufferSize)
            result += Pairwise(values.Slice(start, Math.Min(BufferSize, values.Length - start)));
        return result;
    }

    /// <summary><c>np.mean</c> of a float32 array (float32 result).</summary>
    public static float MeanFloat32(ReadOnlySpan<float> values) => (float)((double)Float32(values) / values.Length);

    /// <summary><c>np.sum(f(x), dtype=np.float64)</c>: each float32 value mapped, widened and summed in float64.</summary>
    public static double Float64<TMap>(ReadOnlySpan<float> values, TMap map) where TMap : struct, IFloatMap
    {
        Span<double> buffer = new double[Math.Min(BufferSize, Math.Max(values.Length, 1))];
        var result = 0.0;
        for (var start = 0; start < values.Length; start += BufferSize)
        {
            var count = Math.Min(BufferSize, values.Length - start);
            for (var i = 0; i < count; i++) buffer[i] = map.Apply(values[start + i], start + i);
            result += Pairwise(buffer[..count]);
        }
        return result;
    }

    public interface IFloatMap
    {
        double Apply(float value, int index);
    }

    public readonly struct Identity : IFloatMap
    {
        public double Apply(float value, int index) => value;
    }

    /// <summary>numpy's pairwise summation (8 accumulators, blocks of 128), in T's own precision.</summary>
    private static T Pairwise<T>(ReadOnlySpan<T> a) where T : struct, System.Numerics.IFloatingPoint<T>
    {
        var n = a.Length;
        if (n < 8)
        {
            var res = T.Zero;
            foreach (var v in a) res += v;
            return res;
        }
        if (n <= 128)
        {
            T r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            var i = 8;
            for (; i < n - n % 8; i += 8)
            {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3];
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7];
            }
            var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) res += a[i];
            return res;
        }
        var half = n / 2;
        half -= half % 8;
        return Pairwise(a[..half]) + Pairwise(a[half..]);
    }
}
