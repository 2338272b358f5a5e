namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// scipy.ndimage.gaussian_filter(sigma 1.5, truncate 3.5, mode 'reflect') on float32 as skimage's SSIM runs it:
/// axis 0 then axis 1, each pass accumulating in float64 in scipy's symmetric-kernel order and storing float32.
/// </summary>
internal static class SsimGaussianFilter
{
    public const int Radius = 5; // int(3.5 * 1.5 + 0.5)
    public const int WindowSize = 2 * Radius + 1;

    /// <summary>Weights w[0..5] from the centre out, as scipy's _gaussian_kernel1d (numpy's pairwise sum).</summary>
    private static readonly double[] Weights = CreateWeights();

    private static double[] CreateWeights()
    {
        const double sigma = 1.5;
        var phi = new double[WindowSize];
        for (var k = -Radius; k <= Radius; k++)
            phi[k + Radius] = Math.Exp(-0.5 / (sigma * sigma) * (k * k));
        // numpy pairwise sum of 11 values: eight accumulators, then the rest in order
        var sum = ((phi[0] + phi[1]) + (phi[2] + phi[3])) + ((phi[4] + phi[5]) + (phi[6] + phi[7]));
        sum += phi[8];
        sum += phi[9];
        sum += phi[10];
        var weights = new double[Radius + 1];
        for (var j = 0; j <= Radius; j++) weights[j] = phi[Radius + j] / sum;
        return weights;
    }

    public static float[] Filter(ReadOnlySpan<float> input, int height, int width)
    {
        var temp = new float[input.Length];
        AlongRows(input, temp, height, width);
        var output = new float[input.Length];
        AlongColumns(temp, output, height, width);
        return output;
    }

    /// <summary>scipy 'reflect' (numpy 'symmetric'): ... b a | a b ... ; one bounce suffices for n ≥ radius.</summary>
    private static int Reflect(int i, int n) => i < 0 ? -i - 1 : i >= n ? 2 * n - i - 1 : i;

    /// <summary>Axis 0: each output row combines input rows y-5..y+5.</summary>
    private static void AlongRows(ReadOnlySpan<float> input, Span<float> output, int height, int width)
    {
        var acc = new double[width];
        for (var y = 0; y < height; y++)
        {
            var centre = input.Slice(y * width, width);
            for (var x = 0; x < width; x++) acc[x] = centre[x] * Weights[0];
            for (var j = Radius; j >= 1; j--)
            {
                var above = input.Slice(Reflect(y - j, height) * width, width);
                var below = input.Slice(Reflect(y + j, height) * width, width);
                var w = Weights[j];
                for (var x = 0; x < width; x++) acc[x] += ((double)above[x] + below[x]) * w;
            }
            var row = output.Slice(y * width, width);
            for (var x = 0; x < width; x++) row[x] = (float)acc[x];
        }
    }

    /// <summary>Axis 1: each output pixel combines its row's pixels x-5..x+5.</summary>
    private static void AlongColumns(ReadOnlySpan<float> input, Span<float> output, int height, int width)
    {
        var line = new double[width + 2 * Radius];
        for (var y = 0; y < height; y++)
        {
            var row = input.Slice(y * width, width);
            for (var i = -Radius; i < width + Radius; i++) line[i + Radius] = row[Reflect(i, width)];
            var outRow = output.Slice(y * width, width);
            for (var x = 0; x < width; x++)
            {
                var c = x + Radius;
                var acc = line[c] * Weights[0];
                for (var j = Radius; j >= 1; j--) acc += (line[c - j] + line[c + j]) * Weights[j];
                outRow[x] = (float)acc;
            }
        }
    }
}
