namespace ZeroCostDL4Mic.Storage;

/// <summary>
/// One image of a dataset in one role (e.g. "source", "target", "mask"), unique per (DatasetId, Name, Role).
/// RelativePath points into the data directory; Shape follows Axes.
/// </summary>
public sealed record SampleRecord(string DatasetId, string Name, string Role, string RelativePath, string Sha256,
    long SizeBytes, string PixelType, string Axes, int[] Shape, double Min, double Max, double Mean, double Std);
