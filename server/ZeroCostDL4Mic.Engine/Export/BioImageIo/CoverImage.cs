using ZeroCostDL4Mic.Imaging;

namespace ZeroCostDL4Mic.Engine.Export.BioImageIo;

/// <summary>cover.png: the test input beside the test output (2:1), each stretched to 8 bits between its 0.1 and 99.9 percentiles.</summary>
public static class CoverImage
{
    public static byte[] Png(float[] input, float[] output, int side)
    {
        var grey = new byte[side * 2 * side];
        Paint(input, grey, side, 0);
        Paint(output, grey, side, side);
        var path = Path.Combine(Path.GetTempPath(), $"cover-{Guid.NewGuid():N}.png");
        try
        {
            ImageFiles.SavePng8(path, grey, side, 2 * side);
            return File.ReadAllBytes(path);
        }
        finally { File.Delete(path); }
    }

    static void Paint(float[] plane, byte[] grey, int side, int left)
    {
        var p = Percentiles.Compute(plane, 0.1, 99.9);
        double low = p[0], high = p[1];
        if (high <= low) (low, high) = (plane.Min(), plane.Max());
        double scale = high > low ? 255 / (high - low) : 0;
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                grey[y * 2 * side + left + x] = (byte)Math.Clamp(Math.Round((plane[y * side + x] - low) * scale), 0, 255);
    }
}
