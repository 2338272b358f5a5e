using System.Text.Json;
using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Datasets;
using ZeroCostDL4Mic.Engine.Devices;
using ZeroCostDL4Mic.Engine.Inference;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Engine.Quality;
using ZeroCostDL4Mic.Engine.Training;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Imaging.Instances;
using ZeroCostDL4Mic.Storage;

namespace ZeroCostDL4Mic.Engine.Jobs;

/// <summary>The work behind each job kind; runs on the job's own thread.</summary>
public sealed class JobExecutors(
    DataStore store, NetworkRegistry networks, DatasetCatalog datasets, ModelCatalog models, TorchDevices devices, IOptions<EngineOptions> options, ModelLoader loader)
{
    public JobSucceeded Execute(JobRecord job, JobContext context, CancellationToken cancellation) => job.Kind switch
    {
        JobRecords.Training => Train(job, context, cancellation),
        JobRecords.QualityControl => QualityControl(job, context, cancellation),
        _ => Predict(job, context, cancellation),
    };

    JobSucceeded Train(JobRecord job, JobContext context, CancellationToken cancellation)
    {
        var request = JsonSerializer.Deserialize<TrainingRequest>(job.RequestJson, JobRecords.Json)!;
        var model = models.Record(job.ModelId!);
        var config = ModelConfig.FromJson(model.ConfigJson);
        var network = networks.Definition(config.Network);
        var parameters = ParameterSet.FromStored(network.Info.Parameters, config.Parameters);
        var samples = datasets.LoadSamples(job.DatasetId!, needTargets: network.Info.DatasetKind != DatasetKind.Images);
        context.Update(r => r with { Epochs = parameters.Int("epochs") });

        BaseWeights? baseWeights = null;
        if (model.BaseModelId is { } baseId)
        {
            var (baseRecord, _, weightsPath) = models.Usable(baseId, request.BaseWeights);
            baseWeights = new BaseWeights(weightsPath, RestoredLearningRate(baseRecord, request.BaseWeights, parameters.Float("learning_rate")));
        }
        var folder = models.Folder(model.Id);
        var history = new Trainer(devices.Device).Train(new TrainingRun(network, parameters, samples, folder, baseWeights), context, cancellation);
        Complete(model, folder, history, AfterTraining(network, config, folder, samples, context, cancellation));
        return new JobSucceeded(model.Id, null, Array.Empty<FileView>());
    }

    /// <summary>
    /// As the notebooks restore a pretrained model's learning rate from training_evaluation.csv:
    /// the row of the lowest val_loss for best weights, the last row for last weights.
    /// </summary>
    static double RestoredLearningRate(ModelRecord baseModel, WeightsChoice choice, double fallback)
    {
        var history = string.IsNullOrEmpty(baseModel.HistoryJson) ? null : JsonSerializer.Deserialize<List<HistoryRow>>(baseModel.HistoryJson, ModelCatalog.Json);
        if (history is null || history.Count == 0) return fallback;
        return choice == WeightsChoice.Last ? history[^1].LearningRate : history.MinBy(h => h.ValLoss)!.LearningRate;
    }

    /// <summary>The network's post-training step (StarDist's threshold optimisation) with the best weights loaded.</summary>
    IReadOnlyDictionary<string, string>? AfterTraining(NetworkDefinition network, ModelConfig config, ModelFolder folder,
        IReadOnlyList<TrainingSample> samples, JobContext context, CancellationToken cancellation)
    {
        if (!folder.Exists(ModelFolder.BestWeights) || !folder.Exists(ModelFolder.CheckpointFile)) return null;
        var checkpoint = TrainingCheckpoint.FromJson(folder.ReadText(ModelFolder.CheckpointFile));
        using var loaded = new LoadedModel(network, config with { State = new Dictionary<string, string>(checkpoint.State) },
            folder.FullPath(ModelFolder.BestWeights), devices.Device);
        return network.AfterTraining(loaded, samples, options.Value.DefaultTileSize, context.Message, cancellation);
    }

    /// <summary>Makes the model usable: final config with the data statistics (and post-training state), history, and no resume files.</summary>
    void Complete(ModelRecord model, ModelFolder folder, IReadOnlyList<HistoryRow> history, IReadOnlyDictionary<string, string>? extraState = null)
    {
        var config = ModelConfig.FromJson(model.ConfigJson);
        if (folder.Exists(ModelFolder.CheckpointFile))
        {
            var checkpoint = TrainingCheckpoint.FromJson(folder.ReadText(ModelFolder.CheckpointFile));
            config = config with { State = new Dictionary<string, string>(checkpoint.State) };
        }
        foreach (var (key, value) in extraState ?? new Dictionary<string, string>()) config.State[key] = value;
        folder.WriteText(ModelFolder.ConfigFile, config.ToJson());
        store.UpdateModel(models.Record(model.Id) with
        {
            Ready = true,
            ConfigJson = config.ToJson(),
            HistoryJson = JsonSerializer.Serialize(history, ModelCatalog.Json),
        });
        folder.Delete(ModelFolder.OptimizerState);
        folder.Delete(ModelFolder.CheckpointFile);
    }

    JobSucceeded QualityControl(JobRecord job, JobContext context, CancellationToken cancellation)
    {
        var request = JsonSerializer.Deserialize<QualityControlRequest>(job.RequestJson, JobRecords.Json)!;
        var (record, config, weightsPath) = models.Usable(request.ModelId, request.Weights);
        var pairs = datasets.LoadSamples(request.DatasetId, needTargets: true);
        using var loaded = loader.Load(record.Id, config, weightsPath);
        var folder = models.Folder(record.Id);
        var outcome = new QualityControl(options.Value.DefaultTileSize).Run(loaded, pairs, folder, context.Message, cancellation);

        var updated = models.Record(record.Id);
        var newConfig = config with { State = new Dictionary<string, string>(config.State) };
        foreach (var (key, value) in outcome.StateUpdates) newConfig.State[key] = value;
        folder.WriteText(ModelFolder.ConfigFile, newConfig.ToJson());
        store.UpdateModel(updated with { QcJson = JsonSerializer.Serialize(outcome.Report, ModelCatalog.Json), ConfigJson = newConfig.ToJson() });
        return new JobSucceeded(record.Id, outcome.Report, outcome.Files);
    }

    JobSucceeded Predict(JobRecord job, JobContext context, CancellationToken cancellation)
    {
        var request = JsonSerializer.Deserialize<BatchPredictionRequest>(job.RequestJson, JobRecords.Json)!;
        var (record, config, weightsPath) = models.Usable(request.ModelId, request.Weights);
        var inputs = datasets.LoadSamples(request.DatasetId, needTargets: false);
        using var loaded = loader.Load(record.Id, config, weightsPath);
        int tile = request.TileSize > 0 ? request.TileSize : options.Value.DefaultTileSize;
        var files = new List<FileView>();
        for (int i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var result = loaded.PredictDetailed(input.Source, tile, request.TileOverlap, 0, null, cancellation);
            foreach (var (kind, image) in result.Images)
            {
                var name = $"{Path.GetFileNameWithoutExtension(input.Name)}_{kind.ToString().ToLowerInvariant()}.tif";
                var stored = store.Files.WriteWith($"{JobRecords.OutputDirectory(job.Id)}/{name}", path => TiffImages.Write(path, image, image.PixelType));
                files.Add(new FileView(name, stored.SizeBytes, stored.Sha256));
            }
            if (result.Objects is not null)
            {
                var name = $"{Path.GetFileNameWithoutExtension(input.Name)}_objects.csv";
                var stored = store.Files.Write($"{JobRecords.OutputDirectory(job.Id)}/{name}", System.Text.Encoding.UTF8.GetBytes(ObjectTable.Csv(result.Objects)));
                files.Add(new FileView(name, stored.SizeBytes, stored.Sha256));
            }
            context.Progress(new JobProgressed(1, 1, i + 1, inputs.Count, 0, 0, null));
        }
        return new JobSucceeded(request.ModelId, null, files);
    }

    /// <summary>A cancelled training keeps the weights of its finished epochs as a usable model.</summary>
    public string Cancelled(JobRecord job, JobContext context)
    {
        if (job.Kind != JobRecords.Training || job.ModelId is null) return "cancelled";
        var folder = models.Folder(job.ModelId);
        if (!folder.Exists(ModelFolder.CheckpointFile) || !folder.Exists(ModelFolder.BestWeights))
        {
            store.DeleteModel(job.ModelId);
            return "cancelled before the first epoch finished; no model was kept";
        }
        var checkpoint = TrainingCheckpoint.FromJson(folder.ReadText(ModelFolder.CheckpointFile));
        Trainer.WriteHistory(folder, checkpoint.History);
        Complete(models.Record(job.ModelId), folder, checkpoint.History);
        return $"cancelled after epoch {checkpoint.Epoch}; the model keeps the weights trained so far";
    }

    /// <summary>A training that failed or never started leaves no half model behind.</summary>
    public void Abandon(JobRecord job)
    {
        if (job.Kind == JobRecords.Training && job.ModelId is not null && store.GetModel(job.ModelId) is { Ready: false })
            store.DeleteModel(job.ModelId);
    }
}
