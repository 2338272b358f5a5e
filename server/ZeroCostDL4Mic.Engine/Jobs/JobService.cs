using System.Text.Json;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Datasets;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Storage;

namespace ZeroCostDL4Mic.Engine.Jobs;

/// <summary>Validates and queues jobs, and answers questions about them.</summary>
public sealed class JobService(DataStore store, NetworkRegistry networks, DatasetCatalog datasets, ModelCatalog models, JobQueue queue, JobEventHub events)
    : IJobService
{
    public JobView SubmitTraining(TrainingRequest request, Caller caller)
    {
        var network = networks.Definition(request.Network);
        var dataset = datasets.Get(request.DatasetId);
        var need = network.Info.DatasetKind;
        // Self-supervised networks also take the sources of a paired dataset.
        bool fits = dataset.Kind == need || (need == DatasetKind.Images && dataset.Kind == DatasetKind.Paired);
        if (!fits)
            throw new InvalidInputException("dataset_id",
                $"{network.Key} trains on a {DatasetCatalog.KindText(need)} dataset but '{dataset.Name}' is {DatasetCatalog.KindText(dataset.Kind)}");
        if (dataset.SampleCount == 0)
            throw new InvalidInputException("dataset_id", $"dataset '{dataset.Name}' has no complete samples");

        var given = new Dictionary<string, string>(request.Parameters, StringComparer.Ordinal);
        string? baseId = string.IsNullOrEmpty(request.BaseModelId) ? null : request.BaseModelId;
        if (baseId is not null)
        {
            var (baseRecord, baseConfig, _) = models.Usable(baseId, request.BaseWeights);
            if (baseRecord.Network != network.Key)
                throw new InvalidInputException("base_model_id", $"model '{baseId}' is a {baseRecord.Network} model, not {network.Key}");
            // The architecture comes from the base model; a conflicting value is an error, not silently ignored.
            foreach (var key in network.ArchitectureParameters)
            {
                var baseValue = baseConfig.Parameters.GetValueOrDefault(key);
                if (baseValue is null) continue;
                if (given.TryGetValue(key, out var asked) && asked.Trim() != baseValue)
                    throw new InvalidInputException(key, $"{asked} differs from the base model's {baseValue}; transfer learning keeps the base architecture");
                given[key] = baseValue;
            }
        }
        var parameters = network.ResolveParameters(given);
        string name = request.ModelName is { Length: > 0 } n ? n : $"{network.Key}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}";
        SafeNames.Validate(name, "model name");

        var config = new ModelConfig(ModelConfig.CurrentVersion, network.Key, new Dictionary<string, string>(parameters.Values), new());
        var model = store.CreateModel(new ModelRecord("", name, network.Key, config.ToJson(), dataset.Id, baseId, null,
            DateTimeOffset.UtcNow, false, "", "", caller.Name));
        models.Folder(model.Id).WriteText(ModelFolder.ConfigFile, config.ToJson());
        var job = store.CreateJob(new JobRecord("", JobRecords.Training, JobRecords.Queued, network.Key, dataset.Id, model.Id,
            JsonSerializer.Serialize(request, JobRecords.Json), DateTimeOffset.UtcNow, null, null, 0, parameters.Int("epochs"), 0, 0, "queued", caller.Name));
        store.UpdateModel(model with { TrainingJobId = job.Id });
        return Queue(job);
    }

    public JobView SubmitQualityControl(QualityControlRequest request, Caller caller)
    {
        var (model, _, _) = models.Usable(request.ModelId, request.Weights);
        // QC writes its report and the thresholds it picks into the model: a change, not a read.
        caller.RequireMayChange(model.Owner, $"model '{model.Id}' ({model.Name})", "run quality control on");
        var dataset = datasets.Get(request.DatasetId);
        if (dataset.Kind == DatasetKind.Images)
            throw new InvalidInputException("dataset_id", $"quality control needs ground truth; '{dataset.Name}' holds images only");
        if (dataset.SampleCount == 0)
            throw new InvalidInputException("dataset_id", $"dataset '{dataset.Name}' has no complete source/target pairs");
        var job = store.CreateJob(new JobRecord("", JobRecords.QualityControl, JobRecords.Queued, model.Network, dataset.Id, model.Id,
            JsonSerializer.Serialize(request, JobRecords.Json), DateTimeOffset.UtcNow, null, null, 0, 0, 0, 0, "queued", caller.Name));
        return Queue(job);
    }

    public JobView SubmitPrediction(BatchPredictionRequest request, Caller caller)
    {
        var (model, _, _) = models.Usable(request.ModelId, request.Weights);
        var dataset = datasets.Get(request.DatasetId);
        if (request.TileSize is < 0 or > 8192) throw new InvalidInputException("tile_size", $"{request.TileSize} is out of range [0, 8192]");
        var job = store.CreateJob(new JobRecord("", JobRecords.Prediction, JobRecords.Queued, model.Network, dataset.Id, model.Id,
            JsonSerializer.Serialize(request, JobRecords.Json), DateTimeOffset.UtcNow, null, null, 0, 0, 0, 0, "queued", caller.Name));
        return Queue(job);
    }

    JobView Queue(JobRecord job)
    {
        events.Publish(job.Id, new JobStateChanged(JobState.Queued));
        queue.Wake();
        return View(job);
    }

    public IAsyncEnumerable<JobEventView> WatchAsync(string jobId, CancellationToken cancellationToken)
    {
        Record(jobId);
        return events.Watch(jobId, () => JobRecords.IsTerminal(Record(jobId).State), cancellationToken);
    }

    public JobView Cancel(string jobId, Caller caller)
    {
        var record = Record(jobId);
        caller.RequireMayChange(JobRecords.Owner(record), $"job '{jobId}'", "cancel");
        queue.Cancel(jobId);
        return Get(jobId);
    }

    public IReadOnlyList<JobView> List(string? owner = null) => store.ListJobs(owner).Select(View).ToList();

    public JobView Get(string jobId) => View(Record(jobId));

    public Stream OpenOutputFile(string jobId, string fileName)
    {
        Record(jobId);
        var path = $"{JobRecords.OutputDirectory(jobId)}/{SafeNames.Validate(fileName, "file name")}";
        if (!store.Files.Exists(path)) throw new NotFoundException($"output file of job '{jobId}'", fileName);
        return store.Files.OpenRead(path);
    }

    JobRecord Record(string jobId) => store.GetJob(jobId) ?? throw new NotFoundException("job", jobId);

    JobView View(JobRecord record)
    {
        var directory = JobRecords.OutputDirectory(record.Id);
        var files = store.Files.DirectoryExists(directory)
            ? store.Files.List(directory).Select(f => new FileView(Path.GetFileName(f.RelativePath), f.SizeBytes, f.Sha256)).ToList()
            : new List<FileView>();
        return JobRecords.View(record, queue.Eta(record.Id), files);
    }
}
