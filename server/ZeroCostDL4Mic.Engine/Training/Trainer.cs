using System.Diagnostics;
using System.Globalization;
using System.Text;
using TorchSharp;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Devices;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Training;

/// <summary>Receives a training's progress; the job layer turns it into stored events.</summary>
public interface ITrainingObserver
{
    void Message(string text);
    void Progress(JobProgressed progress);
    void EpochCompleted(JobEpochCompleted epoch);
}

/// <summary>Weights a new training starts from (transfer learning) and the learning rate restored with them.</summary>
public sealed record BaseWeights(string WeightsPath, double LearningRate);

public sealed record TrainingRun(
    NetworkDefinition Network, ParameterSet Parameters, IReadOnlyList<TrainingSample> Samples, ModelFolder Folder,
    BaseWeights? Base = null);

/// <summary>
/// The shared training loop: Adam (Keras eps), ReduceLROnPlateau with Keras semantics, validation each
/// epoch, best and last weights, history, and a checkpoint per epoch from which a restart resumes.
/// </summary>
public sealed class Trainer(Device device)
{
    public IReadOnlyList<HistoryRow> Train(TrainingRun run, ITrainingObserver observer, CancellationToken cancellation)
    {
        var p = run.Parameters;
        var plan = run.Network.PrepareTraining(p, run.Samples, observer.Message);
        int epochs = p.Int("epochs"), batch = p.Int("batch_size");
        int steps = p.Int("steps_per_epoch") > 0 ? p.Int("steps_per_epoch") : plan.DefaultStepsPerEpoch(batch);
        double factor = p.Float("reduce_lr_factor");
        int patience = p.Int("reduce_lr_patience"), seed = p.Int("seed");

        using var model = BuildSeeded(run.Network, p, seed);
        var checkpoint = run.Folder.Exists(ModelFolder.CheckpointFile)
            ? TrainingCheckpoint.FromJson(run.Folder.ReadText(ModelFolder.CheckpointFile))
            : null;
        double lr = checkpoint?.LearningRate ?? run.Base?.LearningRate ?? p.Float("learning_rate");
        if (checkpoint is not null)
        {
            model.load(run.Folder.FullPath(ModelFolder.LastWeights));
            observer.Message($"resumed from the checkpoint of epoch {checkpoint.Epoch} (learning rate {lr:G3})");
        }
        else if (run.Base is not null)
        {
            model.load(run.Base.WeightsPath);
            observer.Message($"transfer learning: starting from the base model's weights, learning rate {lr:G3}");
        }
        model.to(device);

        using var optimizer = optim.Adam(model.parameters(), lr, beta1: 0.9, beta2: 0.999, eps: 1e-7);
        if (checkpoint is not null && run.Folder.Exists(ModelFolder.OptimizerState))
            optimizer.load_state_dict(run.Folder.FullPath(ModelFolder.OptimizerState));
        SetLearningRate(optimizer, lr);

        var history = checkpoint?.History ?? new List<HistoryRow>();
        double bestVal = checkpoint?.BestValLoss ?? double.PositiveInfinity;
        // From here on the plateau owns the learning rate.
        var plateau = new LearningRatePlateau(lr, factor, patience,
            checkpoint?.PlateauBest ?? double.PositiveInfinity, checkpoint?.PlateauWait ?? 0);
        int firstEpoch = (checkpoint?.Epoch ?? 0) + 1;
        observer.Message($"training {run.Network.Key}: {epochs} epochs × {steps} steps of batch {batch} on {device.type.ToString().ToLowerInvariant()}; " +
                         $"{plan.TrainingPatchCount} training / {plan.ValidationPatchCount} validation patches");

        var clock = Stopwatch.StartNew();
        long stepsDone = 0;
        long stepsLeftTotal = (long)(epochs - firstEpoch + 1) * steps;
        for (int epoch = firstEpoch; epoch <= epochs; epoch++)
        {
            // One seed per epoch keeps a resumed run on the same sample stream as an uninterrupted one.
            var random = new Random(HashCode.Combine(seed, epoch));
            model.train();
            double lossSum = 0;
            var lastReport = TimeSpan.Zero;
            for (int step = 1; step <= steps; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                double value = TorchScalarRace.Run(() =>
                {
                    using var scope = NewDisposeScope();
                    var (input, target) = plan.TrainingBatch(batch, random);
                    var output = model.forward(input.to(device));
                    var loss = plan.Loss(output, target.to(device));
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    return (double)loss.item<float>();
                }, observer.Message);
                if (!double.IsFinite(value))
                    throw new InvalidOperationException($"the loss became {value} at epoch {epoch}, step {step}; lower learning_rate");
                lossSum += value;
                stepsDone++;
                if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(0.5) || step == steps)
                {
                    lastReport = clock.Elapsed;
                    var eta = TimeSpan.FromTicks(clock.Elapsed.Ticks / stepsDone * (stepsLeftTotal - stepsDone));
                    observer.Progress(new JobProgressed(epoch, epochs, step, steps, lossSum / step, plateau.LearningRate, eta));
                }
            }

            double valLoss = Validate(model, plan, batch);
            double trainLoss = lossSum / steps;
            bool best = valLoss < bestVal;
            if (best) bestVal = valLoss;
            history.Add(new HistoryRow(epoch, trainLoss, valLoss, plateau.LearningRate));

            run.Folder.WriteWith(ModelFolder.LastWeights, path => model.save(path));
            run.Folder.WriteWith(ModelFolder.OptimizerState, path => optimizer.save_state_dict(path));
            if (best) run.Folder.WriteWith(ModelFolder.BestWeights, path => model.save(path));

            if (plateau.EpochEnded(valLoss))
            {
                SetLearningRate(optimizer, plateau.LearningRate);
                observer.Message($"epoch {epoch}: val_loss did not improve for {patience} epochs, learning rate reduced to {plateau.LearningRate:G3}");
            }
            run.Folder.WriteText(ModelFolder.CheckpointFile,
                new TrainingCheckpoint(epoch, plateau.LearningRate, bestVal, plateau.Best, plateau.Wait, history, new(plan.State)).ToJson());
            observer.EpochCompleted(new JobEpochCompleted(epoch, trainLoss, valLoss, history[^1].LearningRate, best));
        }

        WriteHistory(run.Folder, history);
        return history;
    }

    static double Validate(nn.Module<Tensor, Tensor> model, TrainingPlan plan, int batch)
    {
        model.eval();
        using var noGrad = no_grad();
        var device = DeviceOf(model);
        double sum = 0;
        int count = 0;
        foreach (var (input, target) in plan.ValidationBatches(batch))
        {
            var n = (int)input.shape[0];
            sum += TorchScalarRace.Run(() =>
            {
                using var scope = NewDisposeScope();
                return (double)plan.Loss(model.forward(input.to(device)), target.to(device)).item<float>();
            }) * n;
            count += n;
        }
        return count == 0 ? double.NaN : sum / count;
    }

    static Device DeviceOf(nn.Module module) => module.parameters().First().device;

    static readonly object SeedLock = new();

    /// <summary>
    /// The seed also fixes the initial weights, so that a run can be repeated: torch's generator is global, hence the
    /// lock against another training seeding it at the same moment.
    /// </summary>
    static nn.Module<Tensor, Tensor> BuildSeeded(NetworkDefinition network, ParameterSet p, int seed)
    {
        lock (SeedLock)
        {
            manual_seed(seed);
            return network.Build(p);
        }
    }

    static void SetLearningRate(optim.Optimizer optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
    }

    /// <summary>training_evaluation.csv as the notebooks write it, and the loss-curve PNG.</summary>
    public static void WriteHistory(ModelFolder folder, IReadOnlyList<HistoryRow> history)
    {
        var csv = new StringBuilder("epoch,loss,val_loss,learning rate\n");
        foreach (var row in history)
            csv.Append(CultureInfo.InvariantCulture, $"{row.Epoch},{row.Loss:R},{row.ValLoss:R},{row.LearningRate:R}\n");
        folder.WriteText(ModelFolder.HistoryFile, csv.ToString());
        if (history.Count > 0)
            folder.WriteWith(ModelFolder.LossPlotFile, path =>
                Plots.SaveLossCurves(path, history.Select(h => h.Loss).ToList(), history.Select(h => h.ValLoss).ToList()));
    }
}
