namespace ZeroCostDL4Mic.Storage;

/// <summary>A named collection of samples; its files live under <c>datasets/&lt;Id&gt;/</c>. Owner is the user who created it.</summary>
public sealed record DatasetRecord(string Id, string Name, string Kind, DateTimeOffset CreatedAt, string Owner);
