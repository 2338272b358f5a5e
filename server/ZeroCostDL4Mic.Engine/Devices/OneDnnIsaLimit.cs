using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ZeroCostDL4Mic.Engine.Devices;

/// <summary>
/// LibTorch 2.10 runs CPU convolutions through oneDNN 3.7.1. On this project's AMD EPYC (Zen 5, family 26) its jit
/// backward kernels for channel-blocked layouts (AVX-512 and AVX2 alike) now and then return NaN for a whole channel
/// (seen first after a 2-output-channel convolution, whose block is padded to 8 or 16), so a training's loss turns NaN
/// after a random step: in most runs of the trainer and network tests. Capped at AVX, the backward passes run as
/// gemm on plain layouts and were finite in every run. oneDNN reads <c>DNNL_MAX_CPU_ISA</c> once, at its first
/// primitive, so the cap is set when the engine assembly loads, before any tensor exists. A value the user already
/// set wins (<c>DNNL_MAX_CPU_ISA=ALL</c> restores the widest kernels where they are sound).
/// </summary>
public static class OneDnnIsaLimit
{
    public const string Variable = "DNNL_MAX_CPU_ISA";
    public const string DefaultLimit = "AVX";

    /// <summary>The ISA cap in force for this process: the user's value, or the default this class set.</summary>
    public static string Current => Environment.GetEnvironmentVariable(Variable) ?? DefaultLimit;

#pragma warning disable CA2255 // the cap must precede LibTorch's first primitive, whichever engine type a host touches first
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable))) return;
        Environment.SetEnvironmentVariable(Variable, DefaultLimit);
        // On Linux and macOS .NET keeps its own copy of the environment; oneDNN reads the C library's.
        if (!OperatingSystem.IsWindows()) _ = setenv(Variable, DefaultLimit, 0);
    }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    static extern int setenv(string name, string value, int overwrite);
}
