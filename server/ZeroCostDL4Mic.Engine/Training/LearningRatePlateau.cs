namespace ZeroCostDL4Mic.Engine.Training;

/// <summary>
/// Keras' ReduceLROnPlateau on val_loss (mode min, cooldown 0, no min_lr), as the notebooks use it: an epoch
/// improves when val_loss &lt; best − min_delta; after <c>patience</c> epochs without improvement the learning
/// rate is multiplied by <c>factor</c> and the wait starts again. Best and wait go into the checkpoint.
/// </summary>
public sealed class LearningRatePlateau(double learningRate, double factor, int patience, double best = double.PositiveInfinity, int wait = 0)
{
    /// <summary>Keras ReduceLROnPlateau's default min_delta.</summary>
    public const double MinDelta = 1e-4;

    public double LearningRate { get; private set; } = learningRate;
    public double Best { get; private set; } = best;
    public int Wait { get; private set; } = wait;

    /// <summary>Records one epoch's val_loss; true when this epoch lowered the learning rate.</summary>
    public bool EpochEnded(double valLoss)
    {
        if (valLoss < Best - MinDelta)
        {
            Best = valLoss;
            Wait = 0;
            return false;
        }
        if (++Wait < patience) return false;
        LearningRate *= factor;
        Wait = 0;
        return true;
    }
}
