using SkiaSharp;
using ZeroCostDL4Mic.Imaging;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>The shipped EM images (TestData/README.md) and seeded noise to make restoration pairs from them.</summary>
public static class TestImages
{
    public static ImageData Load(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", fileName);
        using var bitmap = SKBitmap.Decode(path) ?? throw new InvalidDataException($"cannot decode {path}");
        var pixels = new float[bitmap.Width * bitmap.Height];
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
                pixels[y * bitmap.Width + x] = bitmap.GetPixel(x, y).Red;
        return ImageData.Create2D(bitmap.Height, bitmap.Width, pixels, PixelType.UInt8);
    }

    /// <summary>The top-left height x width region.</summary>
    public static ImageData Crop(ImageData image, int top, int left, int height, int width)
    {
        var pixels = new float[height * width];
        for (int y = 0; y < height; y++)
            Array.Copy(image.Pixels, (top + y) * image.Width + left, pixels, y * width, width);
        return ImageData.Create2D(height, width, pixels, image.PixelType);
    }

    /// <summary>
    /// Poisson shot noise at `photons` for the brightest pixel plus Gaussian read noise (sigma in grey
    /// levels), the usual model of a low-light camera; float32, clipped at 0.
    /// </summary>
    public static ImageData PoissonGaussian(ImageData clean, double photons, double sigma, int seed)
    {
        var random = new Random(seed);
        var noisy = new float[clean.Pixels.Length];
        for (int i = 0; i < noisy.Length; i++)
        {
            double lambda = clean.Pixels[i] / 255.0 * photons;
            double value = Poisson(random, lambda) * 255.0 / photons + sigma * Gaussian(random);
            noisy[i] = (float)Math.Max(0, value);
        }
        return clean.WithPixels(noisy, PixelType.Float32);
    }

    private static int Poisson(Random random, double lambda)
    {
        // Knuth's method: fine for the small means used here.
        double limit = Math.Exp(-lambda), p = 1;
        int k = 0;
        do { k++; p *= random.NextDouble(); } while (p > limit);
        return k - 1;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
