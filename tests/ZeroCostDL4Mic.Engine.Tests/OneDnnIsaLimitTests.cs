using System.Runtime.InteropServices;
using ZeroCostDL4Mic.Engine.Devices;

namespace ZeroCostDL4Mic.Engine.Tests;

public class OneDnnIsaLimitTests
{
    /// <summary>
    /// Without the cap, oneDNN's AVX-512 convolutions made every network's loss NaN within two steps on an AMD Zen 5
    /// machine (Loss_falls_when_overfitting_one_batch caught it there), and AVX2 ones on another (TrainerTests); the cap must reach the C library's environment,
    /// which is the one oneDNN reads, not only .NET's copy of it.
    /// </summary>
    [Fact]
    public void The_isa_cap_is_in_the_native_environment_before_any_tensor()
    {
        Assert.Equal("AVX", OneDnnIsaLimit.DefaultLimit);
        string expected = OneDnnIsaLimit.Current;
        string? native = Marshal.PtrToStringAnsi(getenv(OneDnnIsaLimit.Variable));
        Assert.Equal(expected, native);
    }

    [DllImport("libc")]
    static extern IntPtr getenv(string name);
}
