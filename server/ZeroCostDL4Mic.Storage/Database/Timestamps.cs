using System.Globalization;

namespace ZeroCostDL4Mic.Storage;

/// <summary>Times are stored as fixed-width UTC ISO 8601 text (100 ns precision), so text order is time order.</summary>
internal static class Timestamps
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string ToText(DateTimeOffset time) => time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static string? ToText(DateTimeOffset? time) => time is { } t ? ToText(t) : null;

    public static DateTimeOffset FromText(string text) =>
        new(DateTime.SpecifyKind(DateTime.ParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None), DateTimeKind.Utc));

    public static DateTimeOffset? FromNullableText(string? text) => text is null ? null : FromText(text);

    /// <summary>Callers that leave a creation time unset (default) get the current time.</summary>
    public static DateTimeOffset OrNow(DateTimeOffset time) => time == default ? DateTimeOffset.UtcNow : time;
}
