using System.Text.Json;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Storage;

namespace ZeroCostDL4Mic.Engine.Models;

/// <summary>
/// A model's self-describing folder under models/&lt;id&gt;/: config.json, weights_best/last, the optimizer
/// and checkpoint of the running training, training_evaluation.csv, plots and QC artefacts.
/// Every file is written atomically through the FileStore.
/// </summary>
public sealed class ModelFolder(FileStore files, string modelId)
{
    public const string ConfigFile = "config.json";
    public const string BestWeights = "weights_best.dat";
    public const string LastWeights = "weights_last.dat";
    public const string OptimizerState = "optimizer_last.dat";
    public const string CheckpointFile = "checkpoint.json";
    public const string HistoryFile = "training_evaluation.csv";
    public const string LossPlotFile = "loss_curves.png";

    public string ModelId { get; } = modelId;
    public string Directory => $"models/{ModelId}";
    public string Path(string fileName) => $"{Directory}/{SafeNames.Validate(fileName, "file name")}";
    public string FullPath(string fileName) => files.FullPath(Path(fileName));
    public bool Exists(string fileName) => files.Exists(Path(fileName));
    public StoredFile WriteWith(string fileName, Action<string> write) => files.WriteWith(Path(fileName), write);
    public StoredFile WriteText(string fileName, string text) => files.Write(Path(fileName), System.Text.Encoding.UTF8.GetBytes(text));
    public string ReadText(string fileName)
    {
        using var reader = new StreamReader(files.OpenRead(Path(fileName)));
        return reader.ReadToEnd();
    }
    public Stream OpenRead(string fileName) => files.OpenRead(Path(fileName));
    public void Delete(string fileName) { if (Exists(fileName)) files.Delete(Path(fileName)); }

    public IReadOnlyList<FileView> ListFiles() =>
        files.List(Directory).Select(f => new FileView(System.IO.Path.GetFileName(f.RelativePath), f.SizeBytes, f.Sha256)).ToList();

    public static string WeightsFile(WeightsChoice choice) => choice == WeightsChoice.Last ? LastWeights : BestWeights;
}

/// <summary>What config.json holds; ConfigVersion lets later releases upgrade old folders.</summary>
public sealed record ModelConfig(
    int ConfigVersion, string Network, Dictionary<string, string> Parameters, Dictionary<string, string> State)
{
    public const int CurrentVersion = 1;
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ModelConfig FromJson(string json)
    {
        var config = JsonSerializer.Deserialize<ModelConfig>(json, Json) ?? throw new InvalidDataException("empty model config");
        // Version 1 is the first; later versions add their upgrades here (as csbdeep's update_loaded_config).
        return config with { Parameters = config.Parameters ?? new(), State = config.State ?? new() };
    }
}

/// <summary>Where a training stands after an epoch; written last each epoch so a restart resumes from it.</summary>
public sealed record TrainingCheckpoint(
    int Epoch, double LearningRate, double BestValLoss, double PlateauBest, int PlateauWait,
    List<HistoryRow> History, Dictionary<string, string> State)
{
    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    public string ToJson() => JsonSerializer.Serialize(this, Json);
    public static TrainingCheckpoint FromJson(string json) => JsonSerializer.Deserialize<TrainingCheckpoint>(json, Json)!;
}
