namespace ZeroCostDL4Mic.Imaging;

/// <summary>Compression used when writing TIFF files (reading accepts whatever LibTiff.NET decodes).</summary>
public enum TiffCompression { None, Lzw, Deflate }
