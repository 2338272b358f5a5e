using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Rendering;

/// <summary>The user's words for enum values and numbers in tables.</summary>
public static class Names
{
    public static string Of(DatasetKind kind) => kind switch
    {
        DatasetKind.Paired => "paired",
        DatasetKind.Masks => "masks",
        DatasetKind.Images => "images",
        _ => "-",
    };

    public static string Of(SampleRole role) => role switch
    {
        SampleRole.Source => "source",
        SampleRole.Target => "target",
        _ => "-",
    };

    public static string Of(JobKind kind) => kind switch
    {
        JobKind.Training => "training",
        JobKind.QualityControl => "qc",
        JobKind.Prediction => "prediction",
        _ => "-",
    };

    public static string Of(JobState state) => state switch
    {
        JobState.Queued => "queued",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.Failed => "failed",
        JobState.Cancelled => "cancelled",
        _ => "-",
    };

    public static string Of(DType dtype) => dtype switch
    {
        DType.Uint8 => "uint8",
        DType.Uint16 => "uint16",
        DType.Int32 => "int32",
        DType.Float32 => "float32",
        _ => "-",
    };

    public static string Of(ParameterType type) => type switch
    {
        ParameterType.Int => "int",
        ParameterType.Float => "float",
        ParameterType.Bool => "bool",
        ParameterType.Choice => "choice",
        _ => "-",
    };

    public static string Of(OutputKind kind) => kind switch
    {
        OutputKind.Restored => "restored",
        OutputKind.Probability => "probability",
        OutputKind.Mask => "mask",
        OutputKind.Labels => "labels",
        _ => "output",
    };

    public static string Time(Timestamp? time) =>
        time is null || (time.Seconds == 0 && time.Nanos == 0)
            ? "-"
            : time.ToDateTimeOffset().ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB"),
    };

    public static string Number(double value) =>
        double.IsNaN(value) ? "-" :
        Math.Abs(value) is >= 1e-3 and < 1e5 or 0 ? value.ToString("0.####", CultureInfo.InvariantCulture)
                                                  : value.ToString("0.###e+00", CultureInfo.InvariantCulture);

    public static string Shape(IEnumerable<long> shape) => string.Join("x", shape);
}
