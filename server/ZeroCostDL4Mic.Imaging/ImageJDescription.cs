using System.Globalization;
using System.Text;

namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// The "ImageJ=..." key=value block that ImageJ keeps in the first page's ImageDescription tag:
/// hyperstack sizes (pages are stored with channel fastest, then slice, then frame) and calibration.
/// </summary>
internal sealed record ImageJDescription(
    int? Images, int Channels, int Slices, int Frames,
    string? Unit, double? Spacing, double? FrameIntervalSeconds)
{
    /// <summary>The version string written into new files.</summary>
    public const string Version = "1.54f";

    public static ImageJDescription? Parse(string? description)
    {
        if (description is null || !description.StartsWith("ImageJ=", StringComparison.Ordinal))
            return null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in description.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r', '\0');
            var eq = line.IndexOf('=');
            if (eq > 0) values[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }

        int? Int(string key) =>
            values.TryGetValue(key, out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            && v >= 1 && v <= int.MaxValue ? (int)v : null;
        double? Real(string key) =>
            values.TryGetValue(key, out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            && double.IsFinite(v) && v > 0 ? v : null;

        var unit = values.TryGetValue("unit", out var u) ? Unescape(u) : null;
        var interval = Real("finterval");
        if (interval is not null && values.TryGetValue("tunit", out var tunit))
            interval *= SecondsPer(Unescape(tunit));
        return new ImageJDescription(Int("images"), Int("channels") ?? 1, Int("slices") ?? 1, Int("frames") ?? 1,
            unit, Real("spacing"), interval);
    }

    /// <summary>
    /// The description for a new file. "images=" is left out on purpose: with it ImageJ reads only the first
    /// IFD and expects every page's pixels back to back, which LibTiff.NET's layout (pixels, IFD, pixels, IFD)
    /// is not; without it ImageJ reads every IFD and still applies channels/slices/frames.
    /// </summary>
    public static string Build(int channels, int slices, int frames, Calibration calibration, double? displayMin, double? displayMax)
    {
        var sb = new StringBuilder();
        sb.Append("ImageJ=").Append(Version).Append('\n');
        if (channels > 1) sb.Append("channels=").Append(channels).Append('\n');
        if (slices > 1) sb.Append("slices=").Append(slices).Append('\n');
        if (frames > 1) sb.Append("frames=").Append(frames).Append('\n');
        var dims = (channels > 1 ? 1 : 0) + (slices > 1 ? 1 : 0) + (frames > 1 ? 1 : 0);
        if (channels > 1 || dims > 1) sb.Append("hyperstack=true\n");
        if (channels > 1) sb.Append("mode=grayscale\n");
        if (!string.IsNullOrEmpty(calibration.Unit)) sb.Append("unit=").Append(Escape(calibration.Unit)).Append('\n');
        if (calibration.PixelSizeZ > 0) sb.Append("spacing=").Append(Number(calibration.PixelSizeZ)).Append('\n');
        if (calibration.FrameIntervalSeconds > 0) sb.Append("finterval=").Append(Number(calibration.FrameIntervalSeconds)).Append('\n');
        if (channels * slices * frames > 1) sb.Append("loop=false\n");
        if (displayMin is { } lo && displayMax is { } hi && double.IsFinite(lo) && double.IsFinite(hi))
            sb.Append("min=").Append(Number(lo)).Append("\nmax=").Append(Number(hi)).Append('\n');
        return sb.ToString();
    }

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Java Properties escapes, as ImageJ writes "\u00B5m" for µm.</summary>
    private static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (c is >= ' ' and < (char)127 && c != '\\') sb.Append(c);
            else sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 5 < s.Length && (s[i + 1] == 'u' || s[i + 1] == 'U')
                && int.TryParse(s.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
            {
                sb.Append((char)code);
                i += 5;
            }
            else if (s[i] == '\\' && i + 1 < s.Length)
            {
                sb.Append(s[++i]);
            }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }

    private static double SecondsPer(string unit) => unit.Trim().ToLowerInvariant() switch
    {
        "ms" or "msec" or "millisecond" or "milliseconds" => 1e-3,
        "us" or "usec" or "µs" or "\u03bcs" or "microsecond" or "microseconds" => 1e-6,
        "min" or "minute" or "minutes" => 60,
        "h" or "hr" or "hour" or "hours" => 3600,
        _ => 1,
    };
}
