using BitMiracle.LibTiff.Classic;

namespace ZeroCostDL4Mic.Imaging;

/// <summary>A TiffStream over a caller's stream that leaves the stream open when the Tiff closes.</summary>
internal sealed class NonClosingTiffStream : TiffStream
{
    public override void Close(object clientData) { }
}
