namespace ZeroCostDL4Mic.Storage;

/// <summary>A unit of long work (training, prediction, QC) and its last known progress; Owner is the user who submitted it.</summary>
public sealed record JobRecord(string Id, string Kind, string State, string? Network, string? DatasetId, string? ModelId,
    string RequestJson, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    int Epoch, int Epochs, double Loss, double ValLoss, string Message, string? Owner);
