using System.Security.Cryptography;
using Grpc.Core;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>The gRPC layer on a real Kestrel with stand-in engine services: streams, chunking and status mapping on every call kind.</summary>
public class ServerPlumbingTests(FakeEngineFixture server) : IClassFixture<FakeEngineFixture>
{
    [Fact]
    public async Task Server_listens_on_an_ephemeral_loopback_port_and_describes_itself()
    {
        Assert.Equal("127.0.0.1", server.Address.Host);
        Assert.NotEqual(5178, server.Address.Port);
        var info = await server.ServerInfo.GetServerInfoAsync(new GetServerInfoRequest());
        Assert.Equal("cpu", info.Device);
        Assert.Equal(1L << 30, info.MaxImageBytes);
        Assert.False(string.IsNullOrEmpty(info.Version));
    }

    [Fact]
    public async Task Upload_stores_each_file_as_it_completes_and_counts_retries_as_unchanged()
    {
        var ds = await server.Datasets.CreateDatasetAsync("plumbing", DatasetKind.Paired);
        var a = ImageData.Create2D(300, 300, Enumerable.Range(0, 90_000).Select(i => (float)(i % 4000)).ToArray());
        var files = new[]
        {
            new UploadFile(SampleRole.Source, "a", a, DType.Uint16),
            new UploadFile(SampleRole.Target, "a", a, DType.Float32),
        };
        var first = await server.Datasets.UploadAsync(ds.Id, files);
        var again = await server.Datasets.UploadAsync(ds.Id, files);

        Assert.Equal((2, 2, 0), (first.FilesReceived, first.FilesStored, first.FilesUnchanged));
        Assert.Equal((2, 0, 2), (again.FilesReceived, again.FilesStored, again.FilesUnchanged));
        var stored = server.DatasetStore.Samples(ds.Id);
        Assert.Equal(a.Pixels, stored[0].Image.Pixels);
        Assert.Equal(PixelType.UInt16, stored[0].Image.PixelType);
    }

    [Fact]
    public async Task Uploads_larger_than_any_request_body_limit_stream_through()
    {
        // 3 x 14.4 MB: more than Kestrel's default 30 MB body limit and many times the message limit.
        var ds = await server.Datasets.CreateDatasetAsync("large", DatasetKind.Images);
        var image = ImageData.Create2D(3000, 1200, Enumerable.Range(0, 3_600_000).Select(i => (float)i).ToArray());
        var files = Enumerable.Range(1, 3).Select(i => new UploadFile(SampleRole.Source, $"big{i}", image, DType.Float32)).ToArray();

        var response = await server.Datasets.UploadAsync(ds.Id, files);

        Assert.Equal(3, response.FilesStored);
        Assert.Equal(image.Pixels, server.DatasetStore.Samples(ds.Id)[2].Image.Pixels);
    }

    [Fact]
    public async Task A_bad_file_keeps_the_files_before_it()
    {
        var ds = await server.Datasets.CreateDatasetAsync("partial", DatasetKind.Images);
        var good = ImageData.Create2D(8, 8, new float[64]);
        var messages = GrpcClients.UploadMessages(ds.Id, new UploadFile(SampleRole.Source, "good", good, DType.Uint8)).ToList();
        messages.Add(new UploadSamplesRequest { Sample = new SampleHeader { Role = SampleRole.Source, Image = ImageMessageTests.Header(DType.Uint8, "YX", [8, 8], 64, "bad") } });
        messages.Add(new UploadSamplesRequest { Chunk = ImageMessageTests.Chunk(32, new byte[32]) });

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Datasets.UploadAsync(messages));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("chunk.offset: chunk at offset 32, expected 0 (image 'bad')", e.Status.Detail);
        Assert.Equal(["good"], server.DatasetStore.Samples(ds.Id).Select(s => s.Name));
    }

    [Fact]
    public async Task A_chunk_after_a_complete_file_is_refused_and_the_file_kept()
    {
        var ds = await server.Datasets.CreateDatasetAsync("extra-chunk", DatasetKind.Images);
        var messages = GrpcClients.UploadMessages(ds.Id, new UploadFile(SampleRole.Source, "whole", ImageData.Create2D(4, 4, new float[16]), DType.Uint8)).ToList();
        messages.Add(new UploadSamplesRequest { Chunk = ImageMessageTests.Chunk(16, [1]) });

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Datasets.UploadAsync(messages));

        Assert.Equal("chunk: chunk at offset 16 follows image 'whole', which was complete at 16 bytes", e.Status.Detail);
        Assert.Equal(["whole"], server.DatasetStore.Samples(ds.Id).Select(s => s.Name));
    }

    [Fact]
    public async Task Upload_stream_must_start_with_a_known_dataset()
    {
        var noId = await Assert.ThrowsAsync<RpcException>(() => server.Datasets.UploadAsync([new UploadSamplesRequest { Chunk = ImageMessageTests.Chunk(0, [1]) }]));
        Assert.Equal(StatusCode.InvalidArgument, noId.StatusCode);
        Assert.Equal("dataset_id: the first message must carry the dataset id", noId.Status.Detail);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => server.Datasets.UploadAsync("nope", new UploadFile(SampleRole.Source, "x", ImageData.Create2D(2, 2, new float[4]), DType.Uint8)));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("dataset 'nope' not found", unknown.Status.Detail);
    }

    [Fact]
    public async Task Predict_streams_progress_then_outputs_in_their_dtypes()
    {
        var image = ImageData.Create2D(700, 500, Enumerable.Range(0, 350_000).Select(i => (float)(i % 20)).ToArray());
        var result = await server.Inference.PredictAsync(GrpcClients.PredictMessages(new PredictHeader { ModelId = "m1" },
            ("one", image, DType.Uint8), ("two", image, DType.Float32)));

        Assert.Equal(["one", "one", "two", "two"], result.Outputs.Select(o => o.InputName));
        var restored = result.Outputs[0];
        Assert.Equal((OutputKind.Restored, DType.Float32), (restored.Kind, restored.Header.Dtype));
        Assert.Equal(image.Pixels.Select(p => p * 2), restored.Image.Pixels);
        var mask = result.Outputs[1];
        Assert.Equal((OutputKind.Mask, DType.Uint8), (mask.Kind, mask.Header.Dtype));
        Assert.Equal([700, 500], mask.Image.Shape);
        Assert.Contains(result.Progress, p => p.InputName == "two" && p.TilesDone == 4 && p.TilesTotal == 4);
    }

    [Fact]
    public async Task Predict_with_an_unknown_model_is_not_found()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Inference.PredictAsync(
            GrpcClients.PredictMessages(new PredictHeader { ModelId = "nope" }, ("x", ImageData.Create2D(4, 4, new float[16]), DType.Uint8))));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal("model 'nope' not found", e.Status.Detail);
    }

    [Fact]
    public async Task Engine_bugs_become_internal_errors_without_details()
    {
        var predict = await Assert.ThrowsAsync<RpcException>(() => server.Inference.PredictAsync(
            GrpcClients.PredictMessages(new PredictHeader { ModelId = "m1" }, ("boom", ImageData.Create2D(4, 4, new float[16]), DType.Uint8))));
        Assert.Equal((StatusCode.Internal, "internal error"), (predict.StatusCode, predict.Status.Detail));

        var unary = await Assert.ThrowsAsync<RpcException>(async () => await server.Networks.ListNetworksAsync(new ListNetworksRequest()));
        Assert.Equal((StatusCode.Internal, "internal error"), (unary.StatusCode, unary.Status.Detail));
    }

    [Fact]
    public async Task Domain_errors_map_on_unary_calls()
    {
        var training = await Assert.ThrowsAsync<RpcException>(async () => await server.Jobs.SubmitTrainingAsync(
            new SubmitTrainingRequest { Network = "care-2d", DatasetId = "d", Parameters = { new ParameterValue { Name = "epochs", Value = "-3" } } }));
        Assert.Equal(StatusCode.InvalidArgument, training.StatusCode);
        Assert.Equal("parameters.epochs", training.FieldViolations().Single().Field);

        var qc = await Assert.ThrowsAsync<RpcException>(async () => await server.Jobs.SubmitQualityControlAsync(new SubmitQualityControlRequest { ModelId = "m1" }));
        Assert.Equal((StatusCode.FailedPrecondition, "model 'm1' is still training"), (qc.StatusCode, qc.Status.Detail));

        var batch = await Assert.ThrowsAsync<RpcException>(async () => await server.Jobs.SubmitPredictionAsync(new SubmitPredictionRequest()));
        Assert.Equal(StatusCode.ResourceExhausted, batch.StatusCode);

        var name = await Assert.ThrowsAsync<RpcException>(async () => await server.Datasets.CreateDatasetAsync("../etc", DatasetKind.Images));
        Assert.Equal((StatusCode.InvalidArgument, "dataset name '../etc' must not contain '..'"), (name.StatusCode, name.Status.Detail));

        var kind = await Assert.ThrowsAsync<RpcException>(async () => await server.Datasets.CreateDatasetAsync("x", DatasetKind.Unspecified));
        Assert.Equal((StatusCode.InvalidArgument, "kind: kind must be paired, masks or images"), (kind.StatusCode, kind.Status.Detail));
    }

    [Fact]
    public async Task WatchJob_streams_every_event_kind_and_maps_unknown_jobs()
    {
        var events = await server.Jobs.WatchToEndAsync("j1", TimeSpan.FromSeconds(10));
        Assert.Equal(
            [JobEvent.EventOneofCase.State, JobEvent.EventOneofCase.Progress, JobEvent.EventOneofCase.Epoch, JobEvent.EventOneofCase.Result, JobEvent.EventOneofCase.State],
            events.Select(e => e.EventCase));
        Assert.Equal(3, events[1].Progress.Step);
        Assert.True(events[2].Epoch.Best);
        Assert.Equal("m1", events[3].Result.ModelId);

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Jobs.WatchToEndAsync("nope", TimeSpan.FromSeconds(10)));
        Assert.Equal((StatusCode.NotFound, "job 'nope' not found"), (e.StatusCode, e.Status.Detail));
    }

    [Fact]
    public async Task Model_files_download_in_chunks()
    {
        using var call = server.Models.DownloadModelFile(new DownloadModelFileRequest { ModelId = "m1", FileName = "weights_best.pt" });
        var chunks = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal(3, chunks.Count);
        Assert.All(chunks, c => Assert.Equal(server.WeightsFile.Length, c.TotalSize));
        Assert.Equal([0L, 1L << 20, 2L << 20], chunks.Select(c => c.Offset));
        var bytes = chunks.SelectMany(c => c.Data.ToByteArray()).ToArray();
        Assert.Equal(SHA256.HashData(server.WeightsFile), SHA256.HashData(bytes));
    }
}
