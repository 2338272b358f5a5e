namespace ZeroCostDL4Mic.Storage;

/// <summary>Parses caller-given paths that must stay inside the data directory.</summary>
internal static class RelativePaths
{
    /// <summary>The path's segments ('/' and '\' both separate), or an <see cref="ArgumentException"/> naming the path.</summary>
    public static string[] Segments(string? path)
    {
        if (string.IsNullOrEmpty(path))
            throw Rejected(path ?? "", "must not be empty");
        if (path.Any(char.IsControl))
            throw Rejected(path, "must not contain NUL or other control characters");
        if (path[0] is '/' or '\\' || Path.IsPathRooted(path) || (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':'))
            throw Rejected(path, "must be relative to the data directory (no leading '/', '\\' or drive)");
        var segments = path.Split('/', '\\');
        foreach (var segment in segments)
        {
            if (segment.Length == 0)
                throw Rejected(path, "must not contain empty segments");
            if (segment is "." or "..")
                throw Rejected(path, "must not contain '.' or '..' segments");
        }
        return segments;
    }

    public static ArgumentException Rejected(string path, string reason) =>
        new($"path '{SafeNames.Printable(path)}' {reason}", "relativePath");
}
