using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Imaging;

namespace ZeroCostDL4Mic.Engine.Tests;

/// <summary>Small deterministic images with structure (blobs) for fast network tests.</summary>
static class SyntheticImages
{
    public static float[] Blobs(int h, int w, int seed, int count = 12)
    {
        var random = new Random(seed);
        var pixels = new float[h * w];
        for (int b = 0; b < count; b++)
        {
            double cy = random.NextDouble() * h, cx = random.NextDouble() * w, r = 3 + random.NextDouble() * 5;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    double d2 = ((y - cy) * (y - cy) + (x - cx) * (x - cx)) / (r * r);
                    pixels[y * w + x] += (float)(100 * Math.Exp(-d2));
                }
        }
        for (int i = 0; i < pixels.Length; i++) pixels[i] += 10;
        return pixels;
    }

    public static float[] Noisy(float[] clean, int seed, double sigma)
    {
        var random = new Random(seed);
        return clean.Select(v => (float)(v + sigma * Gaussian(random))).ToArray();
    }

    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    public static TrainingSample Pair(string name, int h, int w, int seed, double sigma = 20)
    {
        var clean = Blobs(h, w, seed);
        return new TrainingSample(name, ImageData.Create2D(h, w, Noisy(clean, seed + 1000, sigma)), ImageData.Create2D(h, w, clean));
    }

    public static TrainingSample MaskPair(string name, int h, int w, int seed)
    {
        var clean = Blobs(h, w, seed, 20);
        var mask = clean.Select(v => v > 50 ? 1f : 0f).ToArray();
        return new TrainingSample(name, ImageData.Create2D(h, w, Noisy(clean, seed + 7, 10)), ImageData.Create2D(h, w, mask, PixelType.UInt8));
    }
}
