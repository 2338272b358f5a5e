using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace ZeroCostDL4Mic.Engine.Devices;

/// <summary>
/// LibTorch 2.10 runs CPU convolutions through oneDNN 3.7.1. On AMD Zen 5 (EPYC of family 26, this project's build
/// machine) its jit backward kernels for channel-blocked layouts (AVX-512 and AVX2 alike) now and then return NaN for
/// a whole channel, so a training's loss turns NaN after a random step: in most runs of the trainer and network tests.
/// Capped at AVX, the backward passes run as gemm on plain layouts and matched float64 gradients in every run, at
/// about a quarter of the training speed. So the cap is set on those CPUs only, when the engine assembly loads: oneDNN
/// reads <c>DNNL_MAX_CPU_ISA</c> once, at its first primitive. A value the user already set wins either way
/// (<c>DNNL_MAX_CPU_ISA=ALL</c> lifts the cap; <c>AVX</c> sets it on another CPU that shows the same fault, which
/// NetworkTests.Float32_gradients_agree_with_float64_gradients detects).
/// </summary>
public static class OneDnnIsaLimit
{
    public const string Variable = "DNNL_MAX_CPU_ISA";
    public const string LimitOnAffectedCpus = "AVX";

    /// <summary>AMD family 26 (0x1A, Zen 5) or later, where the fault was measured.</summary>
    public static bool CpuIsAffected { get; } = IsAffected();

    /// <summary>The cap in force for this process: the user's value, the one set here, or null (oneDNN's widest).</summary>
    public static string? Current => Environment.GetEnvironmentVariable(Variable);

#pragma warning disable CA2255 // the cap must precede LibTorch's first primitive, whichever engine type a host touches first
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)) || !CpuIsAffected) return;
        Environment.SetEnvironmentVariable(Variable, LimitOnAffectedCpus);
        // On Linux and macOS .NET keeps its own copy of the environment; oneDNN reads the C library's.
        if (!OperatingSystem.IsWindows()) _ = setenv(Variable, LimitOnAffectedCpus, 0);
    }

    static bool IsAffected()
    {
        if (!X86Base.IsSupported) return false;
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<int> vendorWords = stackalloc int[] { ebx, edx, ecx };
        string vendor = System.Text.Encoding.ASCII.GetString(MemoryMarshal.AsBytes(vendorWords));
        int signature = X86Base.CpuId(1, 0).Eax;
        int family = (signature >> 8) & 0xF;
        if (family == 0xF) family += (signature >> 20) & 0xFF;
        return vendor == "AuthenticAMD" && family >= 0x1A;
    }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    static extern int setenv(string name, string value, int overwrite);
}
