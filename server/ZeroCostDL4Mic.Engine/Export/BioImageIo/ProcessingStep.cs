using ZeroCostDL4Mic.Imaging;

namespace ZeroCostDL4Mic.Engine.Export.BioImageIo;

/// <summary>
/// A bioimage.io pre/post-processing step limited to what DeepImageJ's JDLL runs, computed as
/// bioimageio.core does (per sample over channel, y and x; numpy 'linear' percentiles; population std).
/// </summary>
public abstract record ProcessingStep
{
    /// <summary>The step's id in format 0.5 (and name in 0.4).</summary>
    public abstract string Id { get; }

    /// <summary>kwargs in the rdf's order; 0.4 adds its own keys (mode, axes) in <see cref="Kwargs04"/>.</summary>
    public abstract IReadOnlyList<(string Key, object Value)> Kwargs { get; }

    public virtual string Id04 => Id;
    public virtual IReadOnlyList<(string Key, object Value)> Kwargs04 => Kwargs;

    /// <summary>Applies the step in place to an NCHW float32 batch.</summary>
    public abstract void Apply(float[] data, long[] shape);

    protected static IEnumerable<Memory<float>> Samples(float[] data, long[] shape)
    {
        int sample = (int)(data.Length / shape[0]);
        for (int b = 0; b < shape[0]; b++) yield return data.AsMemory(b * sample, sample);
    }
}

/// <summary>(x - P_low) / (P_high - P_low + eps) per sample: the server's percentile normalisation (csbdeep normalize).</summary>
public sealed record ScaleRange(double MinPercentile, double MaxPercentile, double Eps) : ProcessingStep
{
    public override string Id => "scale_range";
    public override IReadOnlyList<(string, object)> Kwargs => new (string, object)[]
    {
        ("axes", new[] { "channel", "y", "x" }), ("min_percentile", MinPercentile), ("max_percentile", MaxPercentile), ("eps", Eps),
    };
    public override IReadOnlyList<(string, object)> Kwargs04 => new (string, object)[]
    {
        ("mode", "per_sample"), ("axes", "cyx"), ("min_percentile", MinPercentile), ("max_percentile", MaxPercentile), ("eps", Eps),
    };

    public override void Apply(float[] data, long[] shape)
    {
        foreach (var sample in Samples(data, shape))
        {
            var p = Percentiles.Compute(sample.Span, MinPercentile, MaxPercentile);
            float low = (float)p[0], scale = (float)(p[1] - p[0] + Eps);
            var span = sample.Span;
            for (int i = 0; i < span.Length; i++) span[i] = (span[i] - low) / scale;
        }
    }
}

/// <summary>(x - mean) / std with the training data's statistics (Noise2Void).</summary>
public sealed record FixedZeroMeanUnitVariance(double Mean, double Std) : ProcessingStep
{
    public override string Id => "fixed_zero_mean_unit_variance";
    public override string Id04 => "zero_mean_unit_variance";
    public override IReadOnlyList<(string, object)> Kwargs => new (string, object)[] { ("mean", Mean), ("std", Std) };
    public override IReadOnlyList<(string, object)> Kwargs04 => new (string, object)[] { ("mode", "fixed"), ("axes", "yx"), ("mean", Mean), ("std", Std) };

    public override void Apply(float[] data, long[] shape)
    {
        float mean = (float)Mean, std = (float)Std;
        for (int i = 0; i < data.Length; i++) data[i] = (data[i] - mean) / std;
    }
}

/// <summary>x * gain + offset.</summary>
public sealed record ScaleLinear(double Gain, double Offset) : ProcessingStep
{
    public override string Id => "scale_linear";
    public override IReadOnlyList<(string, object)> Kwargs => new (string, object)[] { ("gain", Gain), ("offset", Offset) };
    public override IReadOnlyList<(string, object)> Kwargs04 => new (string, object)[] { ("axes", "yx"), ("gain", Gain), ("offset", Offset) };

    public override void Apply(float[] data, long[] shape)
    {
        float gain = (float)Gain, offset = (float)Offset;
        for (int i = 0; i < data.Length; i++) data[i] = data[i] * gain + offset;
    }
}

/// <summary>1 where x &gt; threshold, else 0.</summary>
public sealed record Binarize(double Threshold) : ProcessingStep
{
    public override string Id => "binarize";
    public override IReadOnlyList<(string, object)> Kwargs => new (string, object)[] { ("threshold", Threshold) };

    public override void Apply(float[] data, long[] shape)
    {
        for (int i = 0; i < data.Length; i++) data[i] = data[i] > Threshold ? 1f : 0f;
    }
}

public sealed record SigmoidStep : ProcessingStep
{
    public override string Id => "sigmoid";
    public override IReadOnlyList<(string, object)> Kwargs => Array.Empty<(string, object)>();

    public override void Apply(float[] data, long[] shape)
    {
        for (int i = 0; i < data.Length; i++) data[i] = 1f / (1f + MathF.Exp(-data[i]));
    }
}

/// <summary>
/// How a network's prediction maps onto bioimage.io processing: what the input needs before the ONNX graph,
/// what the output needs after it, and how the README explains any difference from the server's outputs.
/// </summary>
public sealed record ExportProcessing(
    IReadOnlyList<ProcessingStep> Preprocessing, IReadOnlyList<ProcessingStep> Postprocessing,
    string OutputDescription, string OutputChannelName, (double Min, double Max)? OutputRange, string Notes, IReadOnlyList<string> Tags);
