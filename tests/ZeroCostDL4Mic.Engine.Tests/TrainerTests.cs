using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
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

    static TrainingRun Run(ModelFolder folder, int epochs) => new(Care,
        Care.ResolveParameters(new Dictionary<string, string>
        {
            ["epochs"] = epochs.ToString(), ["steps_per_epoch"] = "3", ["batch_size"] = "4", ["patch_size"] = "32",
            ["patches_per_image"] = "8", ["unet_depth"] = "2", ["unet_base_filters"] = "4", ["unet_kern_size"] = "3",
        }),
        new[] { SyntheticImages.Pair("a", 64, 64, 1), SyntheticImages.Pair("b", 64, 64, 2) }, folder);

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
        var recorder = new Recorder();
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() => new Trainer(CPU).Train(Run(folder, 50), recorder, cancel.Token));
        Assert.Empty(recorder.Epochs);
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
