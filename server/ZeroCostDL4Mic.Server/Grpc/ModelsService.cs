using Grpc.Core;
using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Protos.V1;
using ZeroCostDL4Mic.Server.Mapping;
using ZeroCostDL4Mic.Server.Options;

namespace ZeroCostDL4Mic.Server.Grpc;

public sealed class ModelsService(IModelCatalog models, IOptions<ServerOptions> options, ILogger<ModelsService> logger)
    : Models.ModelsBase
{
    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var response = new ListModelsResponse();
        response.Models.AddRange(models.List().Select(m => m.ToProto()));
        return Task.FromResult(response);
    }

    public override Task<GetModelResponse> GetModel(GetModelRequest request, ServerCallContext context) =>
        Task.FromResult(new GetModelResponse { Model = models.Get(request.ModelId).ToProto() });

    public override Task<DeleteModelResponse> DeleteModel(DeleteModelRequest request, ServerCallContext context)
    {
        models.Delete(request.ModelId);
        logger.LogInformation("Deleted model {Id}", request.ModelId);
        return Task.FromResult(new DeleteModelResponse());
    }

    public override async Task DownloadModelFile(DownloadModelFileRequest request, IServerStreamWriter<FileChunk> responseStream, ServerCallContext context)
    {
        await using var file = models.OpenFile(request.ModelId, request.FileName);
        await foreach (var chunk in FileChunks.ReadAsync(file, request.FileName, options.Value.ChunkBytes, context.CancellationToken))
            await responseStream.WriteAsync(chunk, context.CancellationToken);
    }
}
