namespace ZeroCostDL4Mic.Storage;

/// <summary>A file in the data directory: its '/'-separated relative path, size and lowercase sha256 hex.</summary>
public sealed record StoredFile(string RelativePath, long SizeBytes, string Sha256);
