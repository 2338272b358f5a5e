namespace ZeroCostDL4Mic.Imaging;

/// <summary>numpy <c>np.pad(mode='reflect')</c> (mirror without repeating the edge: c b | a b c | b a) and cropping.</summary>
public static class ReflectPadding
{
    /// <summary>
    /// Pads as numpy 'reflect'. Pads longer than the side minus one keep bouncing, exactly as numpy does
    /// (the index is folded with period 2·(n-1)); a side of one pixel is repeated.
    /// </summary>
    public static float[] Pad(ReadOnlySpan<float> plane, int height, int width, int top, int bottom, int left, int right)
    {
        CheckPlane(plane, height, width);
        if (top < 0 || bottom < 0 || left < 0 || right < 0)
            throw new ArgumentException("padding must not be negative");
        var outHeight = height + top + bottom;
        var outWidth = width + left + right;
        var columns = new int[outWidth];
        for (var x = 0; x < outWidth; x++) columns[x] = Reflect(x - left, width);
        var output = new float[(long)outHeight * outWidth];
        for (var y = 0; y < outHeight; y++)
        {
            var source = plane.Slice(Reflect(y - top, height) * width, width);
            var row = output.AsSpan(y * outWidth, outWidth);
            for (var x = 0; x < outWidth; x++) row[x] = source[columns[x]];
        }
        return output;
    }

    public static float[] Crop(ReadOnlySpan<float> plane, int height, int width, int y, int x, int cropHeight, int cropWidth)
    {
        CheckPlane(plane, height, width);
        if (y < 0 || x < 0 || cropHeight <= 0 || cropWidth <= 0 || y + cropHeight > height || x + cropWidth > width)
            throw new ArgumentException($"crop ({y},{x}) {cropHeight}x{cropWidth} does not lie inside {height}x{width}");
        var output = new float[cropHeight * cropWidth];
        for (var r = 0; r < cropHeight; r++)
            plane.Slice((y + r) * width + x, cropWidth).CopyTo(output.AsSpan(r * cropWidth, cropWidth));
        return output;
    }

    internal static int Reflect(int i, int n)
    {
        if (n == 1) return 0;
        var period = 2 * (n - 1);
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - i;
    }

    private static void CheckPlane(ReadOnlySpan<float> plane, int height, int width)
    {
        if (height <= 0 || width <= 0 || (long)height * width != plane.Length)
            throw new ArgumentException($"{plane.Length} values do not make a {height}x{width} plane");
    }
}
