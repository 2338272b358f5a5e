using ZeroCostDL4Mic.Imaging;

namespace ZeroCostDL4Mic.Engine.Api;

public enum DatasetKind { Paired, Masks, Images }

public enum SampleRole { Source, Target }

public enum WeightsChoice { Best, Last }

public enum ParameterKind { Int, Float, Bool, Choice }

public sealed record ParameterSpec(
    string Name, ParameterKind Kind, string Default, string Description,
    double Min = double.NegativeInfinity, double Max = double.PositiveInfinity,
    IReadOnlyList<string>? Choices = null, string Group = "main");

public sealed record NetworkInfo(
    string Key, string DisplayName, string Description, DatasetKind DatasetKind,
    IReadOnlyList<ParameterSpec> Parameters, IReadOnlyList<string> Outputs,
    IReadOnlyList<string> QcMetrics, string Citation);

public sealed record SampleView(
    string Name, SampleRole Role, PixelType PixelType, string Axes, int[] Shape, string Sha256,
    double Min, double Max, double Mean, double Std);

public sealed record DatasetView(
    string Id, string Name, DatasetKind Kind, DateTimeOffset CreatedAt, int SampleCount, long SizeBytes,
    IReadOnlyList<SampleView> Samples, string Owner);

public enum SampleStoreOutcome { Stored, Unchanged }

public sealed record UploadSummary(int FilesReceived, int FilesStored, int FilesUnchanged, DatasetView Dataset);

public enum JobKind { Training, QualityControl, Prediction }

public enum JobState { Queued, Running, Succeeded, Failed, Cancelled }

public sealed record TrainingRequest(
    string Network, string DatasetId, IReadOnlyDictionary<string, string> Parameters,
    string? BaseModelId = null, WeightsChoice BaseWeights = WeightsChoice.Best, string? ModelName = null);

public sealed record QualityControlRequest(string ModelId, string DatasetId, WeightsChoice Weights = WeightsChoice.Best);

public sealed record BatchPredictionRequest(
    string ModelId, string DatasetId, WeightsChoice Weights = WeightsChoice.Best, int TileSize = 0, int TileOverlap = 0);

public sealed record FileView(string Name, long SizeBytes, string Sha256);

public sealed record JobView(
    string Id, JobKind Kind, JobState State, string? Network, string? DatasetId, string? ModelId,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    int Epoch, int Epochs, double Loss, double ValLoss, TimeSpan? Eta, string Message,
    IReadOnlyList<FileView> Files, string Owner);

public sealed record QcMetricValue(string Name, double Value);

public sealed record QcImageResult(string Image, IReadOnlyList<QcMetricValue> Metrics);

public sealed record QcReport(IReadOnlyList<QcImageResult> Images, IReadOnlyList<QcMetricValue> Summary, DateTimeOffset CreatedAt);

public sealed record HistoryRow(int Epoch, double Loss, double ValLoss, double LearningRate);

public sealed record ModelView(
    string Id, string Name, string Network, IReadOnlyDictionary<string, string> Parameters,
    string DatasetId, string? BaseModelId, DateTimeOffset CreatedAt, IReadOnlyList<HistoryRow> History,
    QcReport? Qc, IReadOnlyList<FileView> Files, string? TrainingJobId, bool Ready, string Owner);

/// <summary>One event of a job's stream; Body is one of the JobEventBody records.</summary>
public sealed record JobEventView(string JobId, long Sequence, DateTimeOffset Time, JobEventBody Body);

public abstract record JobEventBody;
public sealed record JobStateChanged(JobState State) : JobEventBody;
public sealed record JobProgressed(int Epoch, int Epochs, int Step, int Steps, double Loss, double LearningRate, TimeSpan? Eta) : JobEventBody;
public sealed record JobEpochCompleted(int Epoch, double Loss, double ValLoss, double LearningRate, bool Best) : JobEventBody;
public sealed record JobMessage(string Text) : JobEventBody;
public sealed record JobSucceeded(string? ModelId, QcReport? Qc, IReadOnlyList<FileView> Files) : JobEventBody;
public sealed record JobFailed(string Reason) : JobEventBody;

public enum OutputKind { Restored, Probability, Mask, Labels }

/// <summary>Options of one prediction session (an inference stream or a batch job).</summary>
public sealed record PredictionOptions(
    string ModelId, WeightsChoice Weights = WeightsChoice.Best, int TileSize = 0, int TileOverlap = 0, double Threshold = 0,
    InferenceBackend Backend = InferenceBackend.Auto);

/// <summary>One output image; a label image of an instance network also carries its objects, one list per plane (frame).</summary>
public sealed record PredictionOutput(string InputName, OutputKind Kind, ImageData Image,
    IReadOnlyList<IReadOnlyList<ZeroCostDL4Mic.Imaging.Instances.DetectedObject>>? Objects = null);

public sealed record PredictionProgress(string InputName, int TilesDone, int TilesTotal);
