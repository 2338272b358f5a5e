using Grpc.Core;
using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Protos.V1;
using ZeroCostDL4Mic.Server.Interceptors;
using ZeroCostDL4Mic.Server.Mapping;
using ZeroCostDL4Mic.Server.Options;

namespace ZeroCostDL4Mic.Server.Grpc;

public sealed class ModelsService(IModelCatalog models, IModelExporter exporter, IModelImporter importer, IOptions<ServerOptions> options,
    ILogger<ModelsService> logger)
    : Models.ModelsBase
{
    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var response = new ListModelsResponse();
        response.Models.AddRange(models.List(context.OwnerFilter(request.Owner, request.Mine)).Select(m => m.ToProto()));
        return Task.FromResult(response);
    }

    public override Task<GetModelResponse> GetModel(GetModelRequest request, ServerCallContext context) =>
        Task.FromResult(new GetModelResponse { Model = models.Get(request.ModelId).ToProto() });

    public override Task<DeleteModelResponse> DeleteModel(DeleteModelRequest request, ServerCallContext context)
    {
        models.Delete(request.ModelId, context.Caller());
        logger.LogInformation("{User} deleted model {Id}", context.Caller().Name, request.ModelId);
        return Task.FromResult(new DeleteModelResponse());
    }

    public override async Task DownloadModelFile(DownloadModelFileRequest request, IServerStreamWriter<FileChunk> responseStream, ServerCallContext context)
    {
        await using var file = models.OpenFile(request.ModelId, request.FileName);
        await foreach (var chunk in FileChunks.ReadAsync(file, request.FileName, options.Value.ChunkBytes, context.CancellationToken))
            await responseStream.WriteAsync(chunk, context.CancellationToken);
    }

    public override async Task ExportModel(ExportModelRequest request, IServerStreamWriter<FileChunk> responseStream, ServerCallContext context)
    {
        // Export runs the network on a test image: off the gRPC thread.
        var exported = await Task.Run(() => exporter.Export(request.ToDomain()), context.CancellationToken);
        await using var content = new MemoryStream(exported.Content, writable: false);
        await foreach (var chunk in FileChunks.ReadAsync(content, exported.FileName, options.Value.ChunkBytes, context.CancellationToken))
            await responseStream.WriteAsync(chunk, context.CancellationToken);
        logger.LogInformation("Exported model {Id} as {File}", request.ModelId, exported.FileName);
    }

    public override async Task<ImportModelResponse> ImportModel(IAsyncStreamReader<FileChunk> requestStream, ServerCallContext context)
    {
        var (name, content) = await FileChunks.ReadAllAsync(requestStream, options.Value.MaxImageBytes, context.CancellationToken);
        var caller = context.Caller();
        var model = await Task.Run(() => importer.Import(name, content, caller), context.CancellationToken);
        logger.LogInformation("{Owner} imported {File} as model {Id}", model.Owner, name, model.Id);
        return new ImportModelResponse { Model = model.ToProto() };
    }
}
