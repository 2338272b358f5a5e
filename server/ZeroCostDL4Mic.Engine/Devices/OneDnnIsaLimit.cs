using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ZeroCostDL4Mic.Engine.Devices;

/// <summary>
/// LibTorch 2.10 runs CPU convolutions through oneDNN 3.7.1, whose AVX-512 kernels turn a U-Net's training loss into
/// NaN within a few steps on AMD Zen 5 (measured on an EPYC of family 26: every network, forward and backward on
/// <c>jit:avx512_core</c>). Capped at AVX2 losses still turned NaN on an EPYC of family 26 model 2 (4 to 5 of the
/// 18 trainer and network tests, in every run); capped at AVX all were finite. oneDNN reads
/// <c>DNNL_MAX_CPU_ISA</c> once, at its first primitive, so the cap is set when the engine assembly loads, before any
/// tensor exists. A value the user already set wins (<c>DNNL_MAX_CPU_ISA=ALL</c> restores the widest kernels).
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
