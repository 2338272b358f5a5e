namespace ZeroCostDL4Mic.Storage;

/// <summary>One schema step; versions start at 1 and never change once released.</summary>
internal sealed record Migration(int Version, string Description, string Sql);
