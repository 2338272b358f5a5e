namespace ZeroCostDL4Mic.Imaging.Instances;

/// <summary>
/// stardist's star_dist (lib/stardist2d.cpp): for every grid cell, the distance from its top-left pixel to the
/// boundary of its object along n_rays equally spaced rays. Ray k (angle 2πk/R) moves the row by sin and the
/// column by cos, so ray 0 points right and ray R/4 points down. Float32 arithmetic as the original.
/// </summary>
public static class StarDistances
{
    /// <summary>
    /// Distances for labels of height×width at cells (i·gridY, j·gridX); the result is cell-major with the rays last:
    /// index ((i·outWidth + j)·nRays + k), outHeight = (height−1)/gridY+1, outWidth = (width−1)/gridX+1.
    /// Background cells get 0 on every ray; the image border stops a ray as another label does.
    /// </summary>
    public static float[] Compute(ReadOnlySpan<int> labels, int height, int width, int nRays, int gridY = 1, int gridX = 1)
    {
        if (height <= 0 || width <= 0 || (long)height * width != labels.Length)
            throw new ArgumentException($"{labels.Length} labels do not make a {height}x{width} image");
        if (nRays < 1) throw new ArgumentOutOfRangeException(nameof(nRays), nRays, "need at least one ray");
        if (gridY < 1 || gridX < 1) throw new ArgumentOutOfRangeException(nameof(gridY), "grid factors must be positive");
        int outH = (height - 1) / gridY + 1, outW = (width - 1) / gridX + 1;
        var result = new float[outH * outW * nRays];
        var dy = new float[nRays];
        var dx = new float[nRays];
        var stop = new float[nRays];
        float step = (float)(2 * Math.PI / nRays);
        for (int k = 0; k < nRays; k++)
        {
            // The C++ names them the other way round (dx = sin, dy = cos) but uses dx on rows.
            float phi = k * step;
            dy[k] = MathF.Sin(phi);
            dx[k] = MathF.Cos(phi);
            stop[k] = 0.5f / Math.Max(Math.Abs(dy[k]), Math.Abs(dx[k]));
        }
        for (int i = 0; i < outH; i++)
        {
            for (int j = 0; j < outW; j++)
            {
                int row = i * gridY, col = j * gridX;
                int value = labels[row * width + col];
                if (value == 0) continue;
                int offset = (i * outW + j) * nRays;
                for (int k = 0; k < nRays; k++)
                {
                    float y = 0, x = 0;
                    while (true)
                    {
                        y += dy[k];
                        x += dx[k];
                        int ii = (int)Math.Round(row + y, MidpointRounding.ToEven);
                        int jj = (int)Math.Round(col + x, MidpointRounding.ToEven);
                        if (ii < 0 || ii >= height || jj < 0 || jj >= width || labels[ii * width + jj] != value)
                        {
                            float t = stop[k];
                            y += (t - 1) * dy[k];
                            x += (t - 1) * dx[k];
                            result[offset + k] = MathF.Sqrt(x * x + y * y);
                            break;
                        }
                    }
                }
            }
        }
        return result;
    }
}
