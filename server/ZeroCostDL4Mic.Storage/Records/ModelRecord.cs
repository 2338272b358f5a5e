namespace ZeroCostDL4Mic.Storage;

/// <summary>A trained (or training) model; its files live under <c>models/&lt;Id&gt;/</c>. Owner is the user who trained or imported it.</summary>
public sealed record ModelRecord(string Id, string Name, string Network, string ConfigJson, string DatasetId,
    string? BaseModelId, string? TrainingJobId, DateTimeOffset CreatedAt, bool Ready, string HistoryJson, string QcJson,
    string Owner = DataStore.DefaultOwner);
