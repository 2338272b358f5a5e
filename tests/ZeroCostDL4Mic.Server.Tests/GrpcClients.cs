using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;
using ZeroCostDL4Mic.Server.Mapping;

namespace ZeroCostDL4Mic.Server.Tests;

public sealed record UploadFile(SampleRole Role, string Name, ImageData Image, DType DType);

public sealed record PredictedOutput(string InputName, OutputKind Kind, ImageHeader Header, ImageData Image);

public sealed record PredictResult(IReadOnlyList<PredictedOutput> Outputs, IReadOnlyList<PredictProgress> Progress);

/// <summary>What a client does with the generated stubs: chunked uploads, the bidi Predict stream, watching jobs.</summary>
public static class GrpcClients
{
    public const int ChunkBytes = 64 * 1024;

    public static GrpcChannel CreateChannel(Uri address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = 16 << 20,
        MaxSendMessageSize = 16 << 20,
    });

    /// <summary>Calls on the channel that carry "authorization: Bearer &lt;token&gt;", as dl4mic and the Fiji plugin send it.</summary>
    public static CallInvoker WithToken(this GrpcChannel channel, string token) =>
        channel.Intercept(metadata =>
        {
            metadata.Add("authorization", $"Bearer {token}");
            return metadata;
        });

    public static IEnumerable<UploadSamplesRequest> UploadMessages(string datasetId, params UploadFile[] files)
    {
        var writer = new ImageMessageWriter(ChunkBytes);
        yield return new UploadSamplesRequest { DatasetId = datasetId };
        foreach (var f in files)
        {
            yield return new UploadSamplesRequest { Sample = new SampleHeader { Role = f.Role, Image = writer.CreateHeader(f.Name, f.Image, f.DType) } };
            foreach (var chunk in writer.Chunks(f.Image, f.DType))
                yield return new UploadSamplesRequest { Chunk = chunk };
        }
    }

    public static Task<UploadSamplesResponse> UploadAsync(this Datasets.DatasetsClient client, string datasetId, params UploadFile[] files) =>
        client.UploadAsync(UploadMessages(datasetId, files));

    /// <summary>Sends the messages as they are (good or bad); the server's status comes back as an RpcException.</summary>
    public static async Task<UploadSamplesResponse> UploadAsync(this Datasets.DatasetsClient client, IEnumerable<UploadSamplesRequest> messages)
    {
        using var call = client.UploadSamples();
        try
        {
            foreach (var m in messages) await call.RequestStream.WriteAsync(m);
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The server ended the call early (it refused something); its status is in the response.
        }
        return await call.ResponseAsync;
    }

    public static async Task<Dataset> CreateDatasetAsync(this Datasets.DatasetsClient client, string name, DatasetKind kind) =>
        (await client.CreateDatasetAsync(new CreateDatasetRequest { Name = name, Kind = kind })).Dataset;

    /// <summary>The dataset's samples as (name, role, checksum), sorted: equal lists mean nothing stored changed.</summary>
    public static async Task<IReadOnlyList<(string Name, SampleRole Role, string Sha256)>> SampleChecksumsAsync(this Datasets.DatasetsClient client, string datasetId) =>
        (await client.GetDatasetAsync(new GetDatasetRequest { DatasetId = datasetId })).Dataset.Samples
            .Select(s => (s.Name, s.Role, s.Sha256)).Order().ToList();

    public static IEnumerable<PredictRequest> PredictMessages(PredictHeader header, params (string Name, ImageData Image, DType DType)[] inputs)
    {
        var writer = new ImageMessageWriter(ChunkBytes);
        yield return new PredictRequest { Header = header };
        foreach (var (name, image, dtype) in inputs)
        {
            yield return new PredictRequest { Image = writer.CreateHeader(name, image, dtype) };
            foreach (var chunk in writer.Chunks(image, dtype))
                yield return new PredictRequest { Chunk = chunk };
        }
    }

    /// <summary>Writes the requests while reading the responses, as a real client must on a bidi stream.</summary>
    public static async Task<PredictResult> PredictAsync(this Inference.InferenceClient client, IEnumerable<PredictRequest> messages,
        CancellationToken cancellationToken = default)
    {
        using var call = client.Predict(cancellationToken: cancellationToken);
        var send = Task.Run(async () =>
        {
            try
            {
                foreach (var m in messages) await call.RequestStream.WriteAsync(m, cancellationToken);
                await call.RequestStream.CompleteAsync();
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException) { }
        }, cancellationToken);

        var outputs = new List<PredictedOutput>();
        var progress = new List<PredictProgress>();
        OutputHeader? current = null;
        ImageMessageReader? reader = null;
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            switch (response.PartCase)
            {
                case PredictResponse.PartOneofCase.Progress:
                    progress.Add(response.Progress);
                    break;
                case PredictResponse.PartOneofCase.Output:
                    Assert.True(reader is null, "an output header arrived before the previous output was complete");
                    current = response.Output;
                    reader = new ImageMessageReader(current.Image, long.MaxValue);
                    break;
                case PredictResponse.PartOneofCase.Chunk:
                    Assert.NotNull(reader);
                    reader.Append(response.Chunk);
                    if (reader.IsComplete)
                    {
                        outputs.Add(new PredictedOutput(current!.InputName, current.Kind, current.Image, reader.ToImage()));
                        reader = null;
                    }
                    break;
            }
        }
        await send;
        Assert.True(reader is null, "the stream ended inside an output");
        return new PredictResult(outputs, progress);
    }

    /// <summary>All events of a job until its stream ends (the job finished).</summary>
    public static async Task<List<JobEvent>> WatchToEndAsync(this Jobs.JobsClient client, string jobId, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var events = new List<JobEvent>();
        using var call = client.WatchJob(new WatchJobRequest { JobId = jobId }, cancellationToken: cts.Token);
        try
        {
            await foreach (var e in call.ResponseStream.ReadAllAsync(cts.Token)) events.Add(e);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cts.IsCancellationRequested)
        {
            throw new TimeoutException($"job {jobId} did not finish within {timeout}; events so far: {Describe(events)}");
        }
        return events;
    }

    public static string Describe(IEnumerable<JobEvent> events) =>
        string.Join("; ", events.Select(e => e.EventCase switch
        {
            JobEvent.EventOneofCase.State => $"state {e.State}",
            JobEvent.EventOneofCase.Epoch => $"epoch {e.Epoch.Epoch} loss {e.Epoch.Loss:G3} val {e.Epoch.ValLoss:G3}",
            JobEvent.EventOneofCase.Message => $"message '{e.Message}'",
            JobEvent.EventOneofCase.Failure => $"FAILURE '{e.Failure}'",
            JobEvent.EventOneofCase.Result => $"result model {e.Result.ModelId}",
            _ => e.EventCase.ToString(),
        }).Where(s => s != "Progress"));

    public static IReadOnlyList<Google.Rpc.BadRequest.Types.FieldViolation> FieldViolations(this RpcException e) =>
        e.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.ToList() ?? [];
}
