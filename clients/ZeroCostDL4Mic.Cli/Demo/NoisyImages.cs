namespace ZeroCostDL4Mic.Cli.Demo;

/// <summary>
/// Simulated low-light acquisitions of a clean image: the image is scaled so its maximum collects
/// <c>peakPhotons</c>, photon counts are Poisson, the camera adds Gaussian read noise, and the result is scaled
/// back to the clean image's range (the usual Poisson-Gaussian model of CARE's synthetic data).
/// </summary>
public static class NoisyImages
{
    public static float[] PoissonGaussian(ReadOnlySpan<float> clean, double peakPhotons, double readNoisePhotons, Random random)
    {
        float max = 0;
        foreach (var v in clean) max = Math.Max(max, v);
        if (max <= 0) max = 1;
        var noisy = new float[clean.Length];
        double toPhotons = peakPhotons / max;
        for (int i = 0; i < clean.Length; i++)
        {
            double photons = Poisson(Math.Max(0, clean[i]) * toPhotons, random) + readNoisePhotons * Gaussian(random);
            noisy[i] = (float)(photons / toPhotons);
        }
        return noisy;
    }

    /// <summary>Knuth's multiplication method for small means, a normal approximation above 30.</summary>
    public static int Poisson(double mean, Random random)
    {
        if (mean <= 0) return 0;
        if (mean > 30) return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * Gaussian(random)));
        double limit = Math.Exp(-mean), product = random.NextDouble();
        int count = 0;
        while (product > limit)
        {
            count++;
            product *= random.NextDouble();
        }
        return count;
    }

    /// <summary>A standard normal sample (Box-Muller).</summary>
    public static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
