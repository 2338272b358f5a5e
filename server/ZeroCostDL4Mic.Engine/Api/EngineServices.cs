using ZeroCostDL4Mic.Imaging;

namespace ZeroCostDL4Mic.Engine.Api;

// The engine's surface: the gRPC services call these and nothing deeper. Errors are EngineException
// subclasses (ZeroCostDL4Mic.Engine.Errors), ImageFormatException or ArgumentException for bad names.
// Lists take an optional owner (null: everyone's); whatever creates, changes or removes an item takes the Caller.

public interface INetworkCatalog
{
    IReadOnlyList<NetworkInfo> List();
    /// <summary>Throws NotFoundException for an unknown key.</summary>
    NetworkInfo Get(string key);
}

public interface IDatasetCatalog
{
    DatasetView Create(string name, DatasetKind kind, Caller caller);
    /// <summary>
    /// Stores one image of a sample. A file identical to the stored one (same checksum) is Unchanged;
    /// a source whose target (or the reverse) has another YX size is refused with InvalidInputException.
    /// </summary>
    SampleStoreOutcome StoreSample(string datasetId, SampleRole role, string sampleName, ImageData image, Caller caller);
    DatasetView Get(string id);
    /// <summary>The dataset, if the caller may add samples to it; PermissionDeniedException if it is someone else's.</summary>
    DatasetView GetChangeable(string id, Caller caller);
    IReadOnlyList<DatasetView> List(string? owner = null);
    void Delete(string id, Caller caller);
}

public interface IJobService
{
    JobView SubmitTraining(TrainingRequest request, Caller caller);
    /// <summary>Only the model's owner or an admin: QC stores its report and thresholds in the model.</summary>
    JobView SubmitQualityControl(QualityControlRequest request, Caller caller);
    JobView SubmitPrediction(BatchPredictionRequest request, Caller caller);
    /// <summary>Stored events first, then live ones; completes after the job's final event.</summary>
    IAsyncEnumerable<JobEventView> WatchAsync(string jobId, CancellationToken cancellationToken);
    JobView Cancel(string jobId, Caller caller);
    IReadOnlyList<JobView> List(string? owner = null);
    JobView Get(string jobId);
    /// <summary>An output file of a prediction job (see JobView.Files).</summary>
    Stream OpenOutputFile(string jobId, string fileName);
}

public interface IModelCatalog
{
    IReadOnlyList<ModelView> List(string? owner = null);
    ModelView Get(string id);
    void Delete(string id, Caller caller);
    /// <summary>A file of the model folder by name (see ModelView.Files); NotFoundException if absent.</summary>
    Stream OpenFile(string modelId, string fileName);
}

public interface IPredictionService
{
    /// <summary>Loads the model once for a stream of images; NotFound / PreconditionFailed if not usable.</summary>
    IPredictionSession Open(PredictionOptions options);
}

public interface IPredictionSession : IDisposable
{
    ModelView Model { get; }
    /// <summary>Predicts one input (YX or a stack of YX planes); each output is yielded as soon as it is done.</summary>
    IAsyncEnumerable<PredictionOutput> PredictAsync(string inputName, ImageData image, IProgress<PredictionProgress>? progress, CancellationToken cancellationToken);
}

public sealed record DeviceInfo(string Device, bool CudaAvailable, int MaxConcurrentTrainings);

public interface IDeviceInfo
{
    DeviceInfo Describe();
}
