using ZeroCostDL4Mic.Engine.Training;

namespace ZeroCostDL4Mic.Engine.Tests;

public class LearningRatePlateauTests
{
    [Fact]
    public void Lowers_the_rate_after_patience_epochs_without_improvement_and_waits_again()
    {
        var plateau = new LearningRatePlateau(1e-3, factor: 0.5, patience: 3);
        Assert.False(plateau.EpochEnded(1.0));
        Assert.False(plateau.EpochEnded(1.0));
        Assert.False(plateau.EpochEnded(0.99995)); // better by less than min_delta 1e-4: no improvement
        Assert.Equal(1e-3, plateau.LearningRate);
        Assert.True(plateau.EpochEnded(1.2));
        Assert.Equal(5e-4, plateau.LearningRate, 15);
        Assert.Equal((1.0, 0), (plateau.Best, plateau.Wait));

        // The count starts again: three more flat epochs, not one, before the next reduction.
        Assert.False(plateau.EpochEnded(1.0));
        Assert.False(plateau.EpochEnded(1.0));
        Assert.True(plateau.EpochEnded(1.0));
        Assert.Equal(2.5e-4, plateau.LearningRate, 15);
    }

    [Fact]
    public void An_improvement_resets_the_wait()
    {
        var plateau = new LearningRatePlateau(1e-3, factor: 0.1, patience: 2);
        Assert.False(plateau.EpochEnded(1.0));
        Assert.False(plateau.EpochEnded(1.0));
        Assert.False(plateau.EpochEnded(0.5));
        Assert.Equal((0.5, 0), (plateau.Best, plateau.Wait));
        Assert.False(plateau.EpochEnded(0.6));
        Assert.True(plateau.EpochEnded(0.6));
        Assert.Equal(1e-4, plateau.LearningRate, 15);
    }

    [Fact]
    public void A_resumed_plateau_continues_from_its_checkpointed_wait()
    {
        var plateau = new LearningRatePlateau(1e-3, factor: 0.5, patience: 3, best: 0.2, wait: 2);
        Assert.True(plateau.EpochEnded(0.3));
        Assert.Equal(5e-4, plateau.LearningRate, 15);
    }
}
