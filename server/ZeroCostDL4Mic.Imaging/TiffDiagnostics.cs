using System.Globalization;
using BitMiracle.LibTiff.Classic;

namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// Collects LibTiff.NET's errors and warnings, which it otherwise prints to the console while returning
/// false or garbage. LibTiff.NET's handler is process-wide, so one handler records into a per-thread
/// scope: every Tiff call of one read or write happens on the thread that opened the scope.
/// </summary>
internal sealed class TiffDiagnostics : IDisposable
{
    [ThreadStatic] private static TiffDiagnostics? current;
    private static readonly RecordingHandler Handler = new();

    private readonly TiffDiagnostics? previous;
    private readonly List<string> errors = new();
    private readonly List<string> warnings = new();

    private TiffDiagnostics()
    {
        previous = current;
        current = this;
        Tiff.SetErrorHandler(Handler);
    }

    public static TiffDiagnostics Capture() => new();

    public IReadOnlyList<string> Errors => errors;
    public IReadOnlyList<string> Warnings => warnings;
    public bool HasErrors => errors.Count > 0;

    /// <summary>The recorded errors (or, failing those, warnings) as one sentence fragment.</summary>
    public string Describe()
    {
        var list = errors.Count > 0 ? errors : warnings;
        return list.Count == 0 ? "no further detail from the decoder" : string.Join("; ", list.Distinct().Take(3));
    }

    public void Dispose() => current = previous;

    private static string Format(string method, string format, object[] args)
    {
        string text;
        try { text = args.Length == 0 ? format : string.Format(CultureInfo.InvariantCulture, format, args); }
        catch (FormatException) { text = format; }
        return string.IsNullOrEmpty(method) ? text : $"{method}: {text}";
    }

    private sealed class RecordingHandler : TiffErrorHandler
    {
        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) =>
            current?.errors.Add(Format(method, format, args));

        public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }

        public override void WarningHandler(Tiff tif, string method, string format, params object[] args) =>
            current?.warnings.Add(Format(method, format, args));

        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }
    }
}
