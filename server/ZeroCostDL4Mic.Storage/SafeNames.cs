using System.Text;

namespace ZeroCostDL4Mic.Storage;

/// <summary>Checks user-given names (datasets, samples, models, files in a model folder) before they reach a path.</summary>
public static class SafeNames
{
    public const int MaxLength = 200;

    /// <summary>Returns <paramref name="name"/> unchanged, or throws an <see cref="ArgumentException"/> saying what is wrong with it.</summary>
    /// <param name="what">What the name is, for the message ("dataset name", "model file").</param>
    public static string Validate(string name, string what)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException($"{what} must not be empty", nameof(name));
        if (name.Length > MaxLength)
            throw new ArgumentException($"{what} '{Printable(name[..40])}...' is {name.Length} characters long; the limit is {MaxLength}", nameof(name));
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsControl(name[i]))
                throw new ArgumentException($"{what} '{Printable(name)}' must not contain control characters (U+{(int)name[i]:X4} at index {i})", nameof(name));
        }
        if (name.Contains('/') || name.Contains('\\') || name.Contains("..", StringComparison.Ordinal))
            throw new ArgumentException($"{what} '{name}' must not contain '/', '\\' or '..'", nameof(name));
        if (name[0] == '.')
            throw new ArgumentException($"{what} '{name}' must not start with '.'", nameof(name));
        return name;
    }

    /// <summary>True when <see cref="Validate"/> would accept the name.</summary>
    public static bool IsValid(string? name)
    {
        if (name is null) return false;
        try
        {
            Validate(name, "name");
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The text with control characters escaped (NUL as \0), so a message shows what the caller sent.</summary>
    internal static string Printable(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c == '\0') sb.Append("\\0");
            else if (char.IsControl(c)) sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
