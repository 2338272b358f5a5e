namespace ZeroCostDL4Mic.Imaging;

/// <summary>Colour to grey as skimage <c>rgb2gray</c>: 0.2125 R + 0.7154 G + 0.0721 B (ITU-R BT.709).</summary>
internal static class Luminance
{
    public static float Of(float r, float g, float b) => (float)(0.2125 * r + 0.7154 * g + 0.0721 * b);
}
