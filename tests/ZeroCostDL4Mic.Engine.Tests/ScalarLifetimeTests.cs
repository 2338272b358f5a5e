using ZeroCostDL4Mic.Engine.Networks.StarDist;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Tests;

public class ScalarLifetimeTests
{
    /// <summary>
    /// TorchSharp 0.107 passes the handle of a temporary Scalar (0.2 * t, t + 1e-7, and the implicit alpha of every
    /// tensor add/sub) to native code without keeping the Scalar alive, so a garbage collection during the call can
    /// finalise it: "Unknown scalar type" or "toFloat" errors. A StarDist training in the server failed so about once in
    /// thirty short runs; frequent collections on another thread make it fail within a second.
    /// </summary>
    [Fact(Skip = "known TorchSharp 0.107 bug: temporary Scalars finalised during native calls; un-skip once fixed")]
    public void The_stardist_loss_survives_garbage_collections_on_another_thread()
    {
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            using var output = randn(2, 17, 8, 8);
            using var target = rand(2, 17, 8, 8);
            for (int i = 0; i < 20000; i++)
            {
                using var scope = NewDisposeScope();
                Assert.True(float.IsFinite(StarDistLoss.Compute(output, target).item<float>()));
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }
}
