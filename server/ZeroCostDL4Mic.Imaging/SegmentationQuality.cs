namespace ZeroCostDL4Mic.Imaging;

/// <summary>QC of the ZeroCostDL4Mic U-Net 2D notebook (spec §3.6, §3.7).</summary>
public static class SegmentationQuality
{
    /// <summary>
    /// skimage img_as_ubyte of float probabilities: rint(p·255) in float32, half to even, clipped to 0..255
    /// (skimage raises for values outside [-1, 1]; here they are clipped, and NaN becomes 0).
    /// </summary>
    public static byte[] ToUByte(ReadOnlySpan<float> probabilities)
    {
        var output = new byte[probabilities.Length];
        for (var i = 0; i < output.Length; i++)
        {
            var v = MathF.Round(probabilities[i] * 255f, MidpointRounding.ToEven);
            output[i] = float.IsNaN(v) ? (byte)0 : (byte)Math.Clamp(v, 0f, 255f);
        }
        return output;
    }

    /// <summary>
    /// For t = 0..255: M = prediction &gt; t, IoU = |G ∧ M| / |G ∨ M|. One histogram pass, O(n + 256).
    /// The best threshold is the first reaching the maximum (Python's list.index(max)).
    /// </summary>
    public static IouSweepResult IouSweep(ReadOnlySpan<byte> prediction8, ReadOnlySpan<bool> groundTruth)
    {
        if (prediction8.Length != groundTruth.Length)
            throw new ArgumentException($"prediction has {prediction8.Length} pixels but ground truth has {groundTruth.Length}");
        Span<long> all = stackalloc long[256];
        Span<long> inside = stackalloc long[256];
        long truth = 0;
        for (var i = 0; i < prediction8.Length; i++)
        {
            all[prediction8[i]]++;
            if (groundTruth[i])
            {
                inside[prediction8[i]]++;
                truth++;
            }
        }
        var ious = new double[256];
        long predicted = 0, overlap = 0; // pixels with value > t
        for (var t = 255; t >= 0; t--)
        {
            // suffix sums over values t+1..255
            if (t < 255)
            {
                predicted += all[t + 1];
                overlap += inside[t + 1];
            }
            var union = truth + predicted - overlap;
            ious[t] = union == 0 ? double.NaN : (double)overlap / union;
        }
        var best = double.NaN;
        var bestThreshold = 0;
        for (var t = 0; t < 256; t++)
        {
            if (double.IsNaN(ious[t])) continue;
            if (double.IsNaN(best) || ious[t] > best)
            {
                best = ious[t];
                bestThreshold = t;
            }
        }
        return new IouSweepResult(best, bestThreshold, ious);
    }

    /// <summary>|a ∧ b| / |a ∨ b|; NaN when both are empty.</summary>
    public static double Iou(ReadOnlySpan<bool> a, ReadOnlySpan<bool> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"masks differ in size: {a.Length} and {b.Length} pixels");
        long intersection = 0, union = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] && b[i]) intersection++;
            if (a[i] || b[i]) union++;
        }
        return union == 0 ? double.NaN : (double)intersection / union;
    }
}
