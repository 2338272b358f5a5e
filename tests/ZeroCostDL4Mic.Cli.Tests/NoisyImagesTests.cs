using ZeroCostDL4Mic.Cli.Demo;

namespace ZeroCostDL4Mic.Cli.Tests;

public class NoisyImagesTests
{
    [Fact]
    public void The_same_seed_gives_the_same_noise()
    {
        var clean = Enumerable.Range(0, 1000).Select(i => (float)(i % 256)).ToArray();

        var first = NoisyImages.PoissonGaussian(clean, 20, 1.5, new Random(7));
        var second = NoisyImages.PoissonGaussian(clean, 20, 1.5, new Random(7));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Noise_keeps_the_mean_and_has_the_Poisson_Gaussian_spread()
    {
        var clean = Enumerable.Repeat(127.5f, 200_000).Append(255f).ToArray(); // half the peak: 10 photons
        var noisy = NoisyImages.PoissonGaussian(clean, 20, 1.5, new Random(1));

        var mean = noisy.Average(v => (double)v);
        var std = Math.Sqrt(noisy.Average(v => (v - mean) * (v - mean)));
        var expectedStd = Math.Sqrt(10 + 1.5 * 1.5) * 255 / 20;

        Assert.InRange(mean, 127.5 - 1, 127.5 + 1);
        Assert.InRange(std, expectedStd * 0.97, expectedStd * 1.03);
    }
}
