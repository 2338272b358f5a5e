using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Mapping;

/// <summary>Wire dtypes and their in-memory pixel types.</summary>
public static class PixelTypes
{
    public static int SizeOf(DType dtype) => dtype switch
    {
        DType.Uint8 => 1,
        DType.Uint16 => 2,
        DType.Int32 => 4,
        DType.Float32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no size for this dtype"),
    };

    public static bool IsKnown(DType dtype) => dtype is DType.Uint8 or DType.Uint16 or DType.Int32 or DType.Float32;

    public static PixelType ToPixelType(DType dtype) => dtype switch
    {
        DType.Uint8 => PixelType.UInt8,
        DType.Uint16 => PixelType.UInt16,
        DType.Int32 => PixelType.Int32,
        DType.Float32 => PixelType.Float32,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no pixel type for this dtype"),
    };

    public static DType ToDType(PixelType type) => type switch
    {
        PixelType.UInt8 => DType.Uint8,
        PixelType.UInt16 => DType.Uint16,
        PixelType.Int32 => DType.Int32,
        PixelType.Float32 => DType.Float32,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no dtype for this pixel type"),
    };

    /// <summary>Lower-case name as users write it (uint8, uint16, int32, float32).</summary>
    public static string Name(DType dtype) => dtype switch
    {
        DType.Uint8 => "uint8",
        DType.Uint16 => "uint16",
        DType.Int32 => "int32",
        DType.Float32 => "float32",
        _ => $"unknown ({(int)dtype})",
    };
}
