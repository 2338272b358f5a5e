using System.Text.Json;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Storage;

namespace ZeroCostDL4Mic.Engine.Models;

/// <summary>Trained models: metadata rows plus their folders.</summary>
public sealed class ModelCatalog(DataStore store) : IModelCatalog
{
    internal static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public IReadOnlyList<ModelView> List(string? owner = null) => store.ListModels(owner).Select(View).ToList();

    public ModelView Get(string id) => View(Record(id));

    public void Delete(string id, Caller caller)
    {
        var record = Record(id);
        caller.RequireMayChange(record.Owner, $"model '{id}' ({record.Name})", "delete");
        if (!record.Ready && record.TrainingJobId is { } jobId && store.GetJob(jobId) is { State: "queued" or "running" })
            throw new PreconditionFailedException($"model '{id}' is being trained by job '{jobId}'; cancel the job first");
        store.DeleteModel(id);
    }

    public Stream OpenFile(string modelId, string fileName)
    {
        var folder = Folder(Record(modelId).Id);
        SafeNames.Validate(fileName, "file name");
        if (!folder.Exists(fileName)) throw new NotFoundException($"file of model '{modelId}'", fileName);
        return folder.OpenRead(fileName);
    }

    public ModelRecord Record(string id) => store.GetModel(id) ?? throw new NotFoundException("model", id);

    public ModelFolder Folder(string id) => new(store.Files, id);

    /// <summary>A model usable for prediction/QC: exists, finished training, and has the chosen weights.</summary>
    public (ModelRecord Record, ModelConfig Config, string WeightsPath) Usable(string id, WeightsChoice weights)
    {
        var record = Record(id);
        if (!record.Ready) throw new PreconditionFailedException($"model '{id}' is not ready: its training has not finished");
        var folder = Folder(id);
        var config = ModelConfig.FromJson(record.ConfigJson);
        // An imported package has one set of weights, its ONNX file.
        var file = Export.BioImageIo.ImportedNetwork.IsImported(config) ? Export.BioImageIo.ImportedNetwork.WeightsFile : ModelFolder.WeightsFile(weights);
        if (!folder.Exists(file)) throw new PreconditionFailedException($"model '{id}' has no {file}");
        return (record, config, folder.FullPath(file));
    }

    ModelView View(ModelRecord r)
    {
        var config = ModelConfig.FromJson(r.ConfigJson);
        var history = string.IsNullOrEmpty(r.HistoryJson) ? new List<HistoryRow>() : JsonSerializer.Deserialize<List<HistoryRow>>(r.HistoryJson, Json)!;
        var qc = string.IsNullOrEmpty(r.QcJson) ? null : JsonSerializer.Deserialize<QcReport>(r.QcJson, Json);
        var files = store.Files.DirectoryExists(Folder(r.Id).Directory) ? Folder(r.Id).ListFiles() : new List<FileView>();
        return new ModelView(r.Id, r.Name, r.Network, config.Parameters, r.DatasetId, r.BaseModelId, r.CreatedAt, history, qc, files, r.TrainingJobId, r.Ready, r.Owner);
    }
}
