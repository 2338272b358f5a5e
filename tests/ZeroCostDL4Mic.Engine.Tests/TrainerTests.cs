using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Engine.Training;
using ZeroCostDL4Mic.Storage;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Tests;

public sealed class TrainerTests : IDisposable
{
    readonly string directory = Path.Combine(Path.GetTempPath(), $"trainer-{Guid.NewGuid():N}");
    readonly DataStore store;

    public TrainerTests() => store = new DataStore(directory);

    public void Dispose()
    {
        store.Dispose();
        Directory.Delete(directory, true);
    }

    sealed class Recorder : ITrainingObserver
    {
        public List<string> Messages { get; } = new();
        public List<JobEpochCompleted> Epochs { get; } = new();
        public List<JobProgressed> Reports { get; } = new();
        public Action<JobEpochCompleted>? OnEpoch { get; set; }
        public void Message(string text) => Messages.Add(text);
        public void Progress(JobProgressed progress) => Reports.Add(progress);
        public void EpochCompleted(JobEpochCompleted epoch) { Epochs.Add(epoch); OnEpoch?.Invoke(epoch); }
    }

    static readonly NetworkDefinition Care = new NetworkRegistry().Definition("care-2d");

    static TrainingRun Run(ModelFolder folder, int epochs) => new(Care, Parameters(epochs, stepsPerEpoch: 3),
        new[] { SyntheticImages.Pair("a", 64, 64, 1), SyntheticImages.Pair("b", 64, 64, 2) }, folder);

    static ParameterSet Parameters(int epochs, int stepsPerEpoch) => Care.ResolveParameters(new Dictionary<string, string>
    {
        ["epochs"] = epochs.ToString(), ["steps_per_epoch"] = stepsPerEpoch.ToString(), ["batch_size"] = "4", ["patch_size"] = "32",
        ["patches_per_image"] = "8", ["unet_depth"] = "2", ["unet_base_filters"] = "4", ["unet_kern_size"] = "3",
    });

    [Fact]
    public void Writes_best_and_last_weights_history_and_reports_progress()
    {
        var folder = new ModelFolder(store.Files, "m1");
        var recorder = new Recorder();
        var history = new Trainer(CPU).Train(Run(folder, 3), recorder, CancellationToken.None);
        Assert.Equal(new[] { 1, 2, 3 }, history.Select(h => h.Epoch));
        Assert.True(folder.Exists(ModelFolder.BestWeights));
        Assert.True(folder.Exists(ModelFolder.LastWeights));
        Assert.True(folder.Exists(ModelFolder.LossPlotFile));
        Assert.StartsWith("epoch,loss,val_loss,learning rate\n", folder.ReadText(ModelFolder.HistoryFile));
        Assert.Equal(3, recorder.Epochs.Count);
        Assert.True(recorder.Epochs[0].Best);
        Assert.Contains(recorder.Reports, p => p.Step == 3 && p.Steps == 3 && p.Eta is not null);
    }

    [Fact]
    public void A_restarted_training_resumes_after_its_last_checkpoint()
    {
        var folder = new ModelFolder(store.Files, "m2");
        using var cancel = new CancellationTokenSource();
        var first = new Recorder { OnEpoch = e => { if (e.Epoch == 2) cancel.Cancel(); } };
        Assert.Throws<OperationCanceledException>(() => new Trainer(CPU).Train(Run(folder, 4), first, cancel.Token));
        Assert.Equal(2, first.Epochs.Count);

        var second = new Recorder();
        var history = new Trainer(CPU).Train(Run(folder, 4), second, CancellationToken.None);
        Assert.Contains(second.Messages, m => m.Contains("resumed from the checkpoint of epoch 2"));
        Assert.Equal(new[] { 3, 4 }, second.Epochs.Select(e => e.Epoch));
        Assert.Equal(new[] { 1, 2, 3, 4 }, history.Select(h => h.Epoch));
    }

    [Fact]
    public void Cancellation_stops_within_a_step()
    {
        var folder = new ModelFolder(store.Files, "m3");
        using var cancel = new CancellationTokenSource();
        const int stepsPerEpoch = 20, cancelAtStep = 5;
        int batches = 0;
        // Cancelled while step 5 of epoch 2 computes: that step finishes, no other starts.
        var network = new BatchCountingNetwork(Care, () => { if (++batches == stepsPerEpoch + cancelAtStep) cancel.Cancel(); });
        var recorder = new Recorder();
        var run = Run(folder, 50) with { Network = network, Parameters = Parameters(50, stepsPerEpoch) };

        Assert.Throws<OperationCanceledException>(() => new Trainer(CPU).Train(run, recorder, cancel.Token));

        Assert.Equal(stepsPerEpoch + cancelAtStep, batches);
        Assert.Equal(new[] { 1 }, recorder.Epochs.Select(e => e.Epoch));
        Assert.DoesNotContain(recorder.Reports, r => r.Epoch == 2 && r.Step > cancelAtStep);
    }

    /// <summary>A network that is <paramref name="inner"/> in every respect but calls <paramref name="onBatch"/> for each training batch drawn.</summary>
    sealed class BatchCountingNetwork(NetworkDefinition inner, Action onBatch) : NetworkDefinition
    {
        public override NetworkInfo Info => inner.Info;
        public override IReadOnlyCollection<string> ArchitectureParameters => inner.ArchitectureParameters;
        public override nn.Module<Tensor, Tensor> Build(ParameterSet parameters) => inner.Build(parameters);
        public override int Divisor(ParameterSet parameters) => inner.Divisor(parameters);
        public override int DefaultTileOverlap(ParameterSet parameters) => inner.DefaultTileOverlap(parameters);
        public override QcKind QcKind => inner.QcKind;
        public override NormalizedPlane Normalize(ReadOnlySpan<float> plane, IReadOnlyDictionary<string, string> state) => inner.Normalize(plane, state);
        public override IReadOnlyList<OutputPlane> Finish(float[] blended, NormalizedPlane input, IReadOnlyDictionary<string, string> state, double threshold) =>
            inner.Finish(blended, input, state, threshold);
        public override TrainingPlan PrepareTraining(ParameterSet parameters, IReadOnlyList<TrainingSample> samples, Action<string> log) =>
            new CountingPlan(inner.PrepareTraining(parameters, samples, log), onBatch);

        sealed class CountingPlan(TrainingPlan plan, Action onBatch) : TrainingPlan
        {
            public override int TrainingPatchCount => plan.TrainingPatchCount;
            public override int ValidationPatchCount => plan.ValidationPatchCount;
            public override int DefaultStepsPerEpoch(int batchSize) => plan.DefaultStepsPerEpoch(batchSize);
            public override IEnumerable<(Tensor Input, Tensor Target)> ValidationBatches(int batchSize) => plan.ValidationBatches(batchSize);
            public override Tensor Loss(Tensor output, Tensor target) => plan.Loss(output, target);
            public override IReadOnlyDictionary<string, string> State => plan.State;

            public override (Tensor Input, Tensor Target) TrainingBatch(int batchSize, Random random)
            {
                onBatch();
                return plan.TrainingBatch(batchSize, random);
            }
        }
    }

    [Fact]
    public void Transfer_learning_starts_from_the_base_weights_and_learning_rate()
    {
        var baseFolder = new ModelFolder(store.Files, "base");
        new Trainer(CPU).Train(Run(baseFolder, 2), new Recorder(), CancellationToken.None);
        var folder = new ModelFolder(store.Files, "child");
        var recorder = new Recorder();
        var run = Run(folder, 1) with { Base = new BaseWeights(baseFolder.FullPath(ModelFolder.BestWeights), 1.25e-4) };
        var history = new Trainer(CPU).Train(run, recorder, CancellationToken.None);
        Assert.Contains(recorder.Messages, m => m.StartsWith("transfer learning"));
        Assert.Equal(1.25e-4, history[0].LearningRate, 12);
    }
}
