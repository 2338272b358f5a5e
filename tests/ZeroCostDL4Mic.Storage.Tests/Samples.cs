namespace ZeroCostDL4Mic.Storage.Tests;

/// <summary>Record builders with plausible values, so tests state only what they check.</summary>
internal static class Samples
{
    public static SampleRecord Sample(DataStore store, string datasetId, string name, string role, byte[]? content = null)
    {
        var file = store.Files.Write($"{DataStore.DatasetDirectory(datasetId)}/{role}/{name}.tif", content ?? [1, 2, 3, 4]);
        return new SampleRecord(datasetId, name, role, file.RelativePath, file.Sha256, file.SizeBytes,
            "uint16", "YX", [64, 48], 0, 4095, 812.5, 90.25);
    }

    public static ModelRecord Model(string datasetId = "ds_x", string name = "care model") =>
        new("", name, "care-2d", """{"epochs":10}""", datasetId, null, null, default, false, "[]", "{}");

    public static JobRecord Job(string state = "queued", DateTimeOffset createdAt = default) =>
        new("", "train", state, "care-2d", "ds_x", null, """{"epochs":10}""", createdAt, null, null,
            0, 10, 0, 0, "", null);
}
