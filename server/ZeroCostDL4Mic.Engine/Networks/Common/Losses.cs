using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks.Common;

/// <summary>Losses of the csbdeep/n2v family, as plain means over all elements (Keras' reduction).</summary>
public static class Losses
{
    /// <summary>csbdeep: on the first n = target channels of the output.</summary>
    public static Tensor Restoration(string loss, Tensor output, Tensor target)
    {
        using var scope = NewDisposeScope();
        long n = target.shape[1];
        var mean = output.narrow(1, 0, n);
        Tensor result = loss switch
        {
            "mae" => (mean - target).abs().mean(),
            "mse" => (mean - target).square().mean(),
            // Laplace negative log-likelihood: |mu - y| / sigma + ln sigma + ln 2.
            "laplace" => ((mean - target).abs() / output.narrow(1, n, n) + output.narrow(1, n, n).log() + Math.Log(2)).mean(),
            _ => throw new ArgumentException($"unknown loss '{loss}'"),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>n2v's masked loss: target channel 0 holds the original values, channel 1 the blind-spot mask.</summary>
    public static Tensor Masked(string loss, Tensor output, Tensor target)
    {
        using var scope = NewDisposeScope();
        var values = target.narrow(1, 0, 1);
        var mask = target.narrow(1, 1, 1);
        var diff = values - output * mask;
        var sum = loss == "mae" ? diff.abs().sum() : diff.square().sum();
        return (sum / mask.sum().clamp_min(1)).MoveToOuterDisposeScope();
    }

    /// <summary>ZeroCostDL4Mic U-Net: class-weighted binary cross-entropy on logits.</summary>
    public static Tensor WeightedBce(Tensor logits, Tensor target, double weightForeground, double weightBackground)
    {
        using var scope = NewDisposeScope();
        var weight = target * weightForeground + (1 - target) * weightBackground;
        var bce = nn.functional.binary_cross_entropy_with_logits(logits, target, reduction: nn.Reduction.None);
        return (weight * bce).mean().MoveToOuterDisposeScope();
    }
}
