namespace ZeroCostDL4Mic.Imaging;

/// <summary>Pixel type of an image as stored on disk or on the wire.</summary>
public enum PixelType { UInt8, UInt16, Int32, Float32 }

/// <summary>Physical pixel size and frame interval, as ImageJ keeps them.</summary>
public sealed record Calibration(
    double PixelSizeX = 0, double PixelSizeY = 0, double PixelSizeZ = 0,
    string Unit = "", double FrameIntervalSeconds = 0)
{
    public static Calibration None { get; } = new();
}

/// <summary>
/// An n-dimensional image held as float32 in C order. Axes are letters slowest first and always end
/// in "YX" for the networks (e.g. "YX", "TYX", "ZYX", "CYX"); PixelType remembers the source type.
/// </summary>
public sealed class ImageData
{
    public ImageData(string axes, int[] shape, float[] pixels, PixelType pixelType = PixelType.Float32, Calibration? calibration = null)
    {
        if (axes.Length != shape.Length)
            throw new ArgumentException($"axes '{axes}' has {axes.Length} letters but shape has {shape.Length} dimensions");
        long count = 1;
        foreach (var s in shape)
        {
            if (s <= 0) throw new ArgumentException($"shape [{string.Join(",", shape)}] has a non-positive size");
            count *= s;
        }
        if (count != pixels.Length)
            throw new ArgumentException($"shape [{string.Join(",", shape)}] needs {count} pixels but {pixels.Length} were given");
        Axes = axes;
        Shape = shape;
        Pixels = pixels;
        PixelType = pixelType;
        Calibration = calibration ?? Calibration.None;
    }

    public string Axes { get; }
    public int[] Shape { get; }
    public float[] Pixels { get; }
    public PixelType PixelType { get; }
    public Calibration Calibration { get; }

    public int Height => Shape[^2];
    public int Width => Shape[^1];
    /// <summary>Number of YX planes (product of all leading dimensions).</summary>
    public int PlaneCount => Pixels.Length / (Height * Width);

    /// <summary>The i-th YX plane as a view on the pixel buffer.</summary>
    public Memory<float> Plane(int index) => Pixels.AsMemory(index * Height * Width, Height * Width);

    /// <summary>A 2D image (axes "YX") holding the given plane's pixels (copied).</summary>
    public ImageData PlaneImage(int index) =>
        new("YX", new[] { Height, Width }, Plane(index).ToArray(), PixelType, Calibration);

    public static ImageData Create2D(int height, int width, float[] pixels, PixelType type = PixelType.Float32, Calibration? calibration = null) =>
        new("YX", new[] { height, width }, pixels, type, calibration);

    public ImageData WithPixels(float[] pixels, PixelType type) => new(Axes, (int[])Shape.Clone(), pixels, type, Calibration);
}
