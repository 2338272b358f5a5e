using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Imaging;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>
/// The server with small stand-ins for the engine, to test the gRPC layer alone (streams, chunking,
/// status mapping) with exact control over what the engine returns or throws.
/// </summary>
public class FakeEngineFixture : ServerFixture
{
    public FakeDatasets DatasetStore { get; } = new();
    public byte[] WeightsFile { get; } = Enumerable.Range(0, (5 << 20) / 2 + 123).Select(i => (byte)(i * 31 % 251)).ToArray();

    protected override IEnumerable<string> ExtraArguments => ["--Server:ChunkBytes=1048576"];

    protected override void Configure(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IDatasetCatalog>(DatasetStore);
        builder.Services.AddSingleton<IPredictionService>(new FakePredictions());
        builder.Services.AddSingleton<IDeviceInfo>(new FakeDevice());
        builder.Services.AddSingleton<INetworkCatalog>(new BrokenNetworks());
        builder.Services.AddSingleton<IJobService>(new FakeJobs());
        builder.Services.AddSingleton<IModelCatalog>(new FakeModels(WeightsFile));
    }
}

public sealed class FakeDatasets : IDatasetCatalog
{
    private readonly Dictionary<string, (DatasetView View, List<(SampleRole Role, string Name, ImageData Image)> Samples)> _sets = new();
    public IReadOnlyList<(SampleRole Role, string Name, ImageData Image)> Samples(string id) => _sets[id].Samples;

    public DatasetView Create(string name, DatasetKind kind, Caller caller)
    {
        if (name.Contains("..")) throw new ArgumentException($"dataset name '{name}' must not contain '..'", nameof(name));
        var view = new DatasetView($"ds{_sets.Count + 1}", name, kind, DateTimeOffset.UtcNow, 0, 0, [], caller.Name);
        _sets[view.Id] = (view, []);
        return view;
    }

    public SampleStoreOutcome StoreSample(string datasetId, SampleRole role, string sampleName, ImageData image, Caller caller)
    {
        var samples = Find(datasetId).Samples;
        if (samples.Any(s => s.Name == sampleName && s.Role == role && s.Image.Pixels.SequenceEqual(image.Pixels)))
            return SampleStoreOutcome.Unchanged;
        samples.Add((role, sampleName, image));
        return SampleStoreOutcome.Stored;
    }

    public DatasetView Get(string id)
    {
        var (view, samples) = Find(id);
        return view with { SampleCount = samples.Count };
    }

    public DatasetView GetChangeable(string id, Caller caller) => Get(id);
    public IReadOnlyList<DatasetView> List(string? owner = null) => _sets.Keys.Select(Get).Where(d => owner is null || d.Owner == owner).ToList();
    public void Delete(string id, Caller caller) => _sets.Remove(Find(id).View.Id);

    private (DatasetView View, List<(SampleRole Role, string Name, ImageData Image)> Samples) Find(string id) =>
        _sets.TryGetValue(id, out var set) ? set : throw new NotFoundException("dataset", id);
}

/// <summary>Restored = input x 2; mask = input above 10; an input named "boom" fails like a bug would.</summary>
public sealed class FakePredictions : IPredictionService
{
    public IPredictionSession Open(PredictionOptions options) =>
        options.ModelId == "m1" ? new Session() : throw new NotFoundException("model", options.ModelId);

    private sealed class Session : IPredictionSession
    {
        public ModelView Model => throw new NotSupportedException();

        public async IAsyncEnumerable<PredictionOutput> PredictAsync(string inputName, ImageData image, IProgress<PredictionProgress>? progress,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (inputName == "boom") throw new InvalidOperationException("tensor shape mismatch at /secret/path");
            for (int t = 1; t <= 4; t++)
            {
                await Task.Yield();
                progress?.Report(new PredictionProgress(inputName, t, 4));
            }
            yield return new PredictionOutput(inputName, OutputKind.Restored, image.WithPixels(image.Pixels.Select(p => p * 2).ToArray(), PixelType.Float32));
            yield return new PredictionOutput(inputName, OutputKind.Mask, image.WithPixels(image.Pixels.Select(p => p > 10 ? 255f : 0f).ToArray(), PixelType.UInt8));
        }

        public void Dispose() { }
    }
}

public sealed class FakeDevice : IDeviceInfo
{
    public DeviceInfo Describe() => new("cpu", false, 1);
}

public sealed class BrokenNetworks : INetworkCatalog
{
    public IReadOnlyList<NetworkInfo> List() => throw new NullReferenceException("secret internals");
    public NetworkInfo Get(string key) => throw new NotFoundException("network", key);
}

public sealed class FakeJobs : IJobService
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public async IAsyncEnumerable<JobEventView> WatchAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (jobId != "j1") throw new NotFoundException("job", jobId);
        yield return new JobEventView(jobId, 1, T0, new JobStateChanged(JobState.Running));
        await Task.Delay(10, cancellationToken);
        yield return new JobEventView(jobId, 2, T0, new JobProgressed(1, 2, 3, 10, 0.5, 1e-3, TimeSpan.FromSeconds(4)));
        yield return new JobEventView(jobId, 3, T0, new JobEpochCompleted(1, 0.4, 0.45, 1e-3, true));
        yield return new JobEventView(jobId, 4, T0, new JobSucceeded("m1", null, []));
        yield return new JobEventView(jobId, 5, T0, new JobStateChanged(JobState.Succeeded));
    }

    public JobView SubmitTraining(TrainingRequest request, Caller caller) =>
        throw new InvalidInputException("2 parameters are invalid",
            request.Parameters.Keys.Select(k => new FieldViolation($"parameters.{k}", "bad")).ToList());
    public JobView SubmitQualityControl(QualityControlRequest request, Caller caller) => throw new PreconditionFailedException("model 'm1' is still training");
    public JobView SubmitPrediction(BatchPredictionRequest request, Caller caller) => throw new LimitExceededException("too many jobs queued");
    public JobView Cancel(string jobId, Caller caller) => throw new NotFoundException("job", jobId);
    public IReadOnlyList<JobView> List(string? owner = null) => [];
    public JobView Get(string jobId) => throw new NotFoundException("job", jobId);
    public Stream OpenOutputFile(string jobId, string fileName) => throw new NotFoundException("file", fileName);
}

public sealed class FakeModels(byte[] weights) : IModelCatalog
{
    public IReadOnlyList<ModelView> List(string? owner = null) => [];
    public ModelView Get(string id) => throw new NotFoundException("model", id);
    public void Delete(string id, Caller caller) => throw new NotFoundException("model", id);
    public Stream OpenFile(string modelId, string fileName) =>
        modelId == "m1" && fileName == "weights_best.pt" ? new MemoryStream(weights, writable: false) : throw new NotFoundException("file", fileName);
}
