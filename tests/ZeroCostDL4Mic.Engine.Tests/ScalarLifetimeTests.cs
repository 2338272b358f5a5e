using System.Diagnostics;
using ZeroCostDL4Mic.Engine.Devices;
using ZeroCostDL4Mic.Engine.Networks.StarDist;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Tests;

public class ScalarLifetimeTests
{
    /// <summary>
    /// TorchSharp 0.107 passes the handle of a temporary Scalar (0.2 * t, t + 1e-7, the implicit alpha of every tensor
    /// add/sub) to native code without keeping the Scalar alive, so a garbage collection during the call can finalise
    /// it: "toFloat" / "Unknown scalar type" errors, which once failed a StarDist training in the server. Frequent
    /// collections on another thread make the race happen within a second; run through TorchScalarRace, as the
    /// trainer's steps and the tiles are, the same work never fails.
    /// </summary>
    [Fact]
    public void The_stardist_loss_survives_garbage_collections_on_another_thread_when_retried()
    {
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        }) { IsBackground = true };
        collector.Start();
        int races = 0, iterations = 0;
        try
        {
            using var output = randn(2, 17, 8, 8);
            using var target = rand(2, 17, 8, 8);
            var clock = Stopwatch.StartNew();
            // Until the race has been lost (and recovered from) a few times, or 20 s at most.
            while (races < 3 && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                iterations++;
                var loss = TorchScalarRace.Run(() =>
                {
                    using var scope = NewDisposeScope();
                    return StarDistLoss.Compute(output, target).item<float>();
                }, _ => races++);
                Assert.True(float.IsFinite(loss));
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
        Assert.True(races > 0, $"the race never happened in {iterations} iterations, so this run proves nothing about the retry");
    }

    [Fact]
    public void Only_the_scalar_race_is_retried()
    {
        int calls = 0;
        Assert.Throws<InvalidOperationException>(() => TorchScalarRace.Run<int>(() => { calls++; throw new InvalidOperationException("real failure"); }));
        Assert.Equal(1, calls);
        calls = 0;
        var race = new System.Runtime.InteropServices.ExternalException("Expected false to be true ... Exception raised from toFloat at /pytorch/c10/core/Scalar.h:140");
        Assert.Throws<System.Runtime.InteropServices.ExternalException>(() => TorchScalarRace.Run<int>(() => { calls++; throw race; }));
        Assert.Equal(TorchScalarRace.Attempts, calls);
    }
}
