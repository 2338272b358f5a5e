using System.Threading.Channels;
using Grpc.Core;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Mapping;

/// <summary>
/// The one writer of a Predict response stream: outputs (header + chunks) and progress reports, which the
/// engine raises from its own thread, go through one queue because a gRPC stream takes one write at a time.
/// Progress is advisory, so it is dropped rather than waited for when the client reads slowly.
/// </summary>
public sealed class PredictResponseWriter : IAsyncDisposable, IProgress<PredictionProgress>
{
    private readonly Channel<PredictResponse> _queue =
        Channel.CreateBounded<PredictResponse>(new BoundedChannelOptions(16) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly ImageMessageWriter _images;
    private readonly CancellationTokenSource _stop;
    private readonly Task _pump;

    public PredictResponseWriter(IServerStreamWriter<PredictResponse> responseStream, int chunkBytes, CancellationToken cancellationToken)
    {
        _images = new ImageMessageWriter(chunkBytes);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _pump = PumpAsync(responseStream, _stop.Token);
    }

    public void Report(PredictionProgress value) =>
        _queue.Writer.TryWrite(new PredictResponse
        {
            Progress = new Protos.V1.PredictProgress { InputName = value.InputName, TilesDone = value.TilesDone, TilesTotal = value.TilesTotal },
        });

    /// <summary>Queues one output as an OutputHeader followed by its chunks, in the dtype of its kind, then its objects if any.</summary>
    public async Task WriteOutputAsync(PredictionOutput output, CancellationToken cancellationToken)
    {
        var dtype = ImageMessageWriter.OutputDType(output.Kind, output.Image);
        var header = new OutputHeader
        {
            InputName = output.InputName,
            Kind = output.Kind.ToProto(),
            Image = _images.CreateHeader(output.InputName, output.Image, dtype),
        };
        await _queue.Writer.WriteAsync(new PredictResponse { Output = header }, cancellationToken);
        foreach (var chunk in _images.Chunks(output.Image, dtype))
            await _queue.Writer.WriteAsync(new PredictResponse { Chunk = chunk }, cancellationToken);
        if (output.Objects is not null)
            foreach (var objects in DetectedObjectsMapping.ToProto(output.InputName, output.Objects))
                await _queue.Writer.WriteAsync(new PredictResponse { Objects = objects }, cancellationToken);
    }

    /// <summary>Waits until everything queued has been written to the client.</summary>
    public async Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        await _pump;
    }

    public async ValueTask DisposeAsync()
    {
        if (_queue.Writer.TryComplete())
        {
            // Left early (an error is on its way to the client): drop what is queued.
            await _stop.CancelAsync();
            try { await _pump; } catch (OperationCanceledException) { } catch (Exception) { /* the original error wins */ }
        }
        _stop.Dispose();
    }

    private async Task PumpAsync(IServerStreamWriter<PredictResponse> responseStream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync(cancellationToken))
                await responseStream.WriteAsync(message, cancellationToken);
        }
        catch (Exception e)
        {
            _queue.Writer.TryComplete(e); // producers waiting on a full queue see the failure
            throw;
        }
    }
}
