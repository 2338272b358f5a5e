using TorchSharp;

namespace ZeroCostDL4Mic.Engine.Tests;

public class TorchLoadsTests
{
    [Fact]
    public void Conv_runs_on_cpu()
    {
        using var conv = torch.nn.Conv2d(1, 4, 3, padding: 1);
        using var x = torch.ones(2, 1, 8, 8);
        using var y = conv.forward(x);
        Assert.Equal(new long[] { 2, 4, 8, 8 }, y.shape);
    }
}
