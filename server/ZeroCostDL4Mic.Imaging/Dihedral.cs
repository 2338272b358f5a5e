namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// The 8 flips and rotations of a plane, numbered as n2v's ×8 augmentation: 0..3 = np.rot90(p, k) in the
/// (Y, X) plane (k = transform), 4..7 = np.flip(np.rot90(p, k - 4), axis=X). Odd rotations swap height and width.
/// </summary>
public static class Dihedral
{
    public const int Count = 8;

    public static float[] Apply(ReadOnlySpan<float> plane, int height, int width, int transform, out int outHeight, out int outWidth)
    {
        if (height <= 0 || width <= 0 || (long)height * width != plane.Length)
            throw new ArgumentException($"{plane.Length} values do not make a {height}x{width} plane");
        if (transform is < 0 or >= Count)
            throw new ArgumentOutOfRangeException(nameof(transform), transform, "transform must lie in 0..7");
        var k = transform & 3;
        var flip = transform >= 4;
        outHeight = k % 2 == 0 ? height : width;
        outWidth = k % 2 == 0 ? width : height;
        var output = new float[plane.Length];
        for (var i = 0; i < outHeight; i++)
        {
            for (var j = 0; j < outWidth; j++)
            {
                var jj = flip ? outWidth - 1 - j : j; // column in the rotated plane
                var (sy, sx) = k switch
                {
                    0 => (i, jj),
                    1 => (jj, width - 1 - i),
                    2 => (height - 1 - i, width - 1 - jj),
                    _ => (height - 1 - jj, i),
                };
                output[i * outWidth + j] = plane[sy * width + sx];
            }
        }
        return output;
    }

    /// <summary>Undoes <see cref="Apply"/>: height and width are those of the transformed plane.</summary>
    public static float[] Invert(ReadOnlySpan<float> plane, int height, int width, int transform, out int outHeight, out int outWidth)
    {
        if (transform is < 0 or >= Count)
            throw new ArgumentOutOfRangeException(nameof(transform), transform, "transform must lie in 0..7");
        // rotations invert by the opposite rotation; a flip after a rotation is its own inverse
        var inverse = transform < 4 ? (4 - transform) % 4 : transform;
        return Apply(plane, height, width, inverse, out outHeight, out outWidth);
    }
}
