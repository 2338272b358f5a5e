using Grpc.Core;
using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Protos.V1;
using ZeroCostDL4Mic.Server.Interceptors;
using ZeroCostDL4Mic.Server.Mapping;
using ZeroCostDL4Mic.Server.Options;

namespace ZeroCostDL4Mic.Server.Grpc;

public sealed class DatasetsService(IDatasetCatalog datasets, IOptions<ServerOptions> options, ILogger<DatasetsService> logger)
    : Datasets.DatasetsBase
{
    public override Task<CreateDatasetResponse> CreateDataset(CreateDatasetRequest request, ServerCallContext context)
    {
        var dataset = datasets.Create(request.Name, request.Kind.ToDomain("kind"), context.Caller());
        logger.LogInformation("{Owner} created {Kind} dataset {Name} ({Id})", dataset.Owner, dataset.Kind, dataset.Name, dataset.Id);
        return Task.FromResult(new CreateDatasetResponse { Dataset = dataset.ToProto() });
    }

    /// <summary>Stores each file as soon as its last chunk arrived, so a large dataset never sits in memory.</summary>
    public override async Task<UploadSamplesResponse> UploadSamples(IAsyncStreamReader<UploadSamplesRequest> requestStream, ServerCallContext context)
    {
        var reader = new SampleUploadReader(requestStream, options.Value.MaxImageBytes);
        var datasetId = await reader.ReadDatasetIdAsync(context.CancellationToken);
        var caller = context.Caller();
        datasets.GetChangeable(datasetId, caller); // unknown or someone else's dataset: fail before the client sends any bytes
        int received = 0, stored = 0, unchanged = 0;
        await foreach (var sample in reader.ReadSamplesAsync(context.CancellationToken))
        {
            received++;
            if (datasets.StoreSample(datasetId, sample.Role, sample.Name, sample.Image, caller) == SampleStoreOutcome.Stored) stored++;
            else unchanged++;
        }
        logger.LogInformation("Dataset {Id}: received {Received} files, {Stored} stored, {Unchanged} unchanged", datasetId, received, stored, unchanged);
        return new UploadSamplesResponse
        {
            FilesReceived = received, FilesStored = stored, FilesUnchanged = unchanged, Dataset = datasets.Get(datasetId).ToProto(),
        };
    }

    public override Task<ListDatasetsResponse> ListDatasets(ListDatasetsRequest request, ServerCallContext context)
    {
        var response = new ListDatasetsResponse();
        response.Datasets.AddRange(datasets.List(context.OwnerFilter(request.Owner, request.Mine)).Select(d => d.ToProto()));
        return Task.FromResult(response);
    }

    public override Task<GetDatasetResponse> GetDataset(GetDatasetRequest request, ServerCallContext context) =>
        Task.FromResult(new GetDatasetResponse { Dataset = datasets.Get(request.DatasetId).ToProto(withSamples: true) });

    public override Task<DeleteDatasetResponse> DeleteDataset(DeleteDatasetRequest request, ServerCallContext context)
    {
        datasets.Delete(request.DatasetId, context.Caller());
        logger.LogInformation("{User} deleted dataset {Id}", context.Caller().Name, request.DatasetId);
        return Task.FromResult(new DeleteDatasetResponse());
    }
}
