using System.Runtime.InteropServices;
using ZeroCostDL4Mic.Engine.Devices;

namespace ZeroCostDL4Mic.Engine.Tests;

public class OneDnnIsaLimitTests
{
    /// <summary>
    /// On AMD Zen 5 the cap must be in force (without it NetworkTests' gradient check and Loss_falls fail there), and it
    /// must reach the C library's environment, the one oneDNN reads, not only .NET's copy of it.
    /// </summary>
    [Fact]
    public void The_isa_cap_is_in_the_native_environment_on_affected_cpus()
    {
        string? native = Marshal.PtrToStringAnsi(getenv(OneDnnIsaLimit.Variable));
        Assert.Equal(OneDnnIsaLimit.Current, native);
        if (OneDnnIsaLimit.CpuIsAffected) Assert.NotNull(native);
    }

    [Fact]
    public void This_build_machine_is_recognised()
    {
        // /proc/cpuinfo is the independent reading of what CPUID says.
        if (!File.Exists("/proc/cpuinfo")) return;
        var lines = File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0).ToList();
        string Field(string name) => lines.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(':')[1].Trim();
        bool amdZen5OrLater = Field("vendor_id") == "AuthenticAMD" && int.Parse(Field("cpu family")) >= 26;
        Assert.Equal(amdZen5OrLater, OneDnnIsaLimit.CpuIsAffected);
    }

    [DllImport("libc")]
    static extern IntPtr getenv(string name);
}
