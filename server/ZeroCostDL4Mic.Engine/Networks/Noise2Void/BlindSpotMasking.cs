namespace ZeroCostDL4Mic.Engine.Networks.Noise2Void;

/// <summary>
/// n2v's stratified blind spots on a square patch: one random pixel per box×box cell (box = √(100 / perc_pix)),
/// its value replaced by a uniform pick from the (2·radius+1)² window around it, clipped to the patch. As n2v's
/// default manipulator uniform_withCP the window includes the blind spot itself.
/// </summary>
public sealed class BlindSpotMasking(int size, int box, int radius)
{
    /// <summary>Returns [manipulated input, original values at the blind spots, mask (1 at the blind spots)].</summary>
    public float[][] Apply(float[] patch, Random random)
    {
        var input = (float[])patch.Clone();
        var values = new float[patch.Length];
        var mask = new float[patch.Length];
        var picks = new List<(int Index, float Value)>();
        for (int by = 0; by * box < size; by++)
            for (int bx = 0; bx * box < size; bx++)
            {
                int y = (int)(by * box + random.NextDouble() * box), x = (int)(bx * box + random.NextDouble() * box);
                if (y >= size || x >= size) continue;
                int y0 = Math.Max(0, y - radius), y1 = Math.Min(size, y + radius + 1);
                int x0 = Math.Max(0, x - radius), x1 = Math.Min(size, x + radius + 1);
                int sy = y0 + random.Next(y1 - y0), sx = x0 + random.Next(x1 - x0);
                picks.Add((y * size + x, patch[sy * size + sx]));
            }
        // All replacement values are read from the unmodified patch first, then written.
        foreach (var (index, value) in picks)
        {
            values[index] = patch[index];
            mask[index] = 1;
            input[index] = value;
        }
        return new[] { input, values, mask };
    }
}
