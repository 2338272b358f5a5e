namespace ZeroCostDL4Mic.Imaging;

/// <summary>A rectangle of the image: top-left corner (Y, X) and size.</summary>
public sealed record Tile(int Y, int X, int Height, int Width);
