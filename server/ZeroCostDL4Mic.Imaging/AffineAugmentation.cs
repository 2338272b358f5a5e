namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// The random affine augmentation of Keras' ImageDataGenerator.apply_transform (tf.keras), as the U-Net 2D
/// notebook uses it: rotation, shift and zoom about the image centre ((h-1)/2, (w-1)/2), resampled with
/// scipy.ndimage.affine_transform (order 1, or 0 for masks) and fill mode 'reflect' (edge repeated,
/// numpy 'symmetric'); flips are applied afterwards. Output has the input's size.
/// </summary>
public static class AffineAugmentation
{
    /// <param name="rotationDegrees">Keras theta (degrees).</param>
    /// <param name="shiftY">Keras tx in pixels (rows): the output samples the input shiftY rows further down.</param>
    /// <param name="shiftX">Keras ty in pixels (columns).</param>
    /// <param name="zoomY">Keras zx: input row offset = zoomY × output row offset (&gt; 1 zooms out).</param>
    /// <param name="zoomX">Keras zy, the same for columns.</param>
    /// <param name="flipH">Reverse the columns after the warp.</param>
    /// <param name="flipV">Reverse the rows after the warp.</param>
    /// <param name="nearest">Nearest-neighbour (order 0) instead of bilinear, for masks.</param>
    public static float[] Warp(ReadOnlySpan<float> plane, int height, int width, double rotationDegrees,
        double shiftY, double shiftX, double zoomY, double zoomX, bool flipH, bool flipV, bool nearest)
    {
        if (height <= 0 || width <= 0 || (long)height * width != plane.Length)
            throw new ArgumentException($"{plane.Length} values do not make a {height}x{width} plane");

        // transform = rotation · shift · zoom, acting on (row, column); output -> input coordinates
        var theta = rotationDegrees * Math.PI / 180;
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        double m00 = cos * zoomY, m01 = -sin * zoomX, m10 = sin * zoomY, m11 = cos * zoomX;
        double t0 = cos * shiftY - sin * shiftX, t1 = sin * shiftY + cos * shiftX;
        // about the centre: offset · transform · reset
        double cy = height / 2.0 - 0.5, cx = width / 2.0 - 0.5;
        var offsetY = t0 + cy - (m00 * cy + m01 * cx);
        var offsetX = t1 + cx - (m10 * cy + m11 * cx);

        var output = new float[plane.Length];
        for (var r = 0; r < height; r++)
        {
            for (var c = 0; c < width; c++)
            {
                var y = m00 * r + m01 * c + offsetY;
                var x = m10 * r + m11 * c + offsetX;
                var value = nearest ? Nearest(plane, height, width, y, x) : Bilinear(plane, height, width, y, x);
                var outR = flipV ? height - 1 - r : r;
                var outC = flipH ? width - 1 - c : c;
                output[outR * width + outC] = value;
            }
        }
        return output;
    }

    private static float Bilinear(ReadOnlySpan<float> plane, int height, int width, double y, double x)
    {
        var y0 = (int)Math.Floor(y);
        var x0 = (int)Math.Floor(x);
        double fy = y - y0, fx = x - x0;
        int ya = Symmetric(y0, height), yb = Symmetric(y0 + 1, height);
        int xa = Symmetric(x0, width), xb = Symmetric(x0 + 1, width);
        var top = (1 - fx) * plane[ya * width + xa] + fx * plane[ya * width + xb];
        var bottom = (1 - fx) * plane[yb * width + xa] + fx * plane[yb * width + xb];
        return (float)((1 - fy) * top + fy * bottom);
    }

    private static float Nearest(ReadOnlySpan<float> plane, int height, int width, double y, double x) =>
        plane[Symmetric((int)Math.Floor(y + 0.5), height) * width + Symmetric((int)Math.Floor(x + 0.5), width)];

    /// <summary>Half-sample symmetric extension (scipy 'reflect'), periodic with period 2n.</summary>
    private static int Symmetric(int i, int n)
    {
        var period = 2 * n;
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - 1 - i;
    }
}
