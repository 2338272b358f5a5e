namespace ZeroCostDL4Mic.Imaging.Tests;

internal static class Synthetic
{
    /// <summary>A smooth image with some texture: values roughly in [0, 1].</summary>
    public static float[] Smooth(int height, int width, double phase = 0)
    {
        var pixels = new float[height * width];
        for (var i = 0; i < height; i++)
            for (var j = 0; j < width; j++)
                pixels[i * width + j] = (float)(0.5 + 0.3 * Math.Sin(0.11 * i + phase) * Math.Cos(0.07 * j) + 0.1 * ((3 * i + 5 * j) % 7) / 7);
        return pixels;
    }

    public static double Sum(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (var v in values) sum += v;
        return sum;
    }
}
