using Grpc.Core;
using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Protos.V1;
using ZeroCostDL4Mic.Server.Mapping;
using ZeroCostDL4Mic.Server.Options;

namespace ZeroCostDL4Mic.Server.Grpc;

public sealed class InferenceService(IPredictionService predictions, IOptions<ServerOptions> options, ILogger<InferenceService> logger)
    : Inference.InferenceBase
{
    /// <summary>Loads the model once, then predicts each image as soon as it has arrived and streams its outputs back.</summary>
    public override async Task Predict(IAsyncStreamReader<PredictRequest> requestStream, IServerStreamWriter<PredictResponse> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var reader = new PredictRequestReader(requestStream, options.Value.MaxImageBytes);
        var header = await reader.ReadHeaderAsync(ct);
        using var session = predictions.Open(header.ToDomain());
        await using var responses = new PredictResponseWriter(responseStream, options.Value.ChunkBytes, ct);
        int count = 0;
        await foreach (var (name, image) in reader.ReadImagesAsync(ct))
        {
            await foreach (var output in session.PredictAsync(name, image, responses, ct))
                await responses.WriteOutputAsync(output, ct);
            count++;
        }
        await responses.CompleteAsync();
        logger.LogInformation("Predicted {Count} images with model {Model}", count, header.ModelId);
    }
}
