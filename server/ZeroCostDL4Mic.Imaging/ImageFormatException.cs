namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// An image file that cannot be read: unknown format, unsupported layout, truncated or corrupt data.
/// The message always starts with the file name and says what is wrong.
/// </summary>
public sealed class ImageFormatException : Exception
{
    public ImageFormatException(string message) : base(message) { }

    public ImageFormatException(string message, Exception innerException) : base(message, innerException) { }
}
