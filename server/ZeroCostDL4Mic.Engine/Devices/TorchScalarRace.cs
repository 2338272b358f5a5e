using System.Runtime.InteropServices;

namespace ZeroCostDL4Mic.Engine.Devices;

/// <summary>
/// TorchSharp 0.107 passes the handle of a temporary Scalar (the implicit alpha of every tensor add and subtract,
/// <c>0.2 * t</c>, Adam's coefficients) to libtorch without keeping the Scalar alive, so a garbage collection on any
/// thread during the native call can finalise it, and libtorch throws from c10::Scalar ("toFloat", "Unknown scalar
/// type"). The call itself is sound: run again, it succeeds. Training steps, validation batches and tiles go through
/// <see cref="Run{T}"/> so that a one-in-ten-thousand race does not fail an hour-long job.
/// </summary>
public static class TorchScalarRace
{
    /// <summary>The race is rare (about once per 10⁴ steps under load); four attempts in a row never lose it here.</summary>
    public const int Attempts = 4;

    public static bool IsScalarRace(Exception e) =>
        e is ExternalException && (e.Message.Contains("c10/core/Scalar.h", StringComparison.Ordinal)
                                   || e.Message.Contains("Unknown scalar type", StringComparison.Ordinal));

    /// <summary>
    /// Runs <paramref name="work"/>, again when it lost the race. Work that updates state in place (an optimiser step)
    /// may apply part of its update twice; for one step in thousands that is noise, unlike a failed job.
    /// </summary>
    public static T Run<T>(Func<T> work, Action<string>? log = null)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return work();
            }
            catch (Exception e) when (attempt < Attempts && IsScalarRace(e))
            {
                log?.Invoke($"TorchSharp lost a temporary scalar to the garbage collector (attempt {attempt}); running the step again");
            }
        }
    }
}
