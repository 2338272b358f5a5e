namespace ZeroCostDL4Mic.Storage;

/// <summary>One entry of a job's event log; Sequence counts 1, 2, 3, ... within its job.</summary>
public sealed record JobEventRecord(string JobId, long Sequence, DateTimeOffset Time, string Type, string PayloadJson);
