using Grpc.Core;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>A live server that already holds a small paired dataset, so each refusal can be followed by "nothing was lost".</summary>
public sealed class SeededServerFixture : ServerFixture
{
    public Dataset Kept { get; private set; } = null!;
    public IReadOnlyList<SampleInfo> KeptSamples { get; private set; } = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Kept = await Datasets.CreateDatasetAsync("kept", DatasetKind.Paired);
        var clean = TestImages.Crop(TestImages.Load("em-0.png"), 0, 0, 64, 64);
        await Datasets.UploadAsync(Kept.Id,
            new UploadFile(SampleRole.Source, "cell", TestImages.PoissonGaussian(clean, 20, 10, seed: 1), DType.Float32),
            new UploadFile(SampleRole.Target, "cell", clean, DType.Uint8));
        KeptSamples = (await Datasets.GetDatasetAsync(new GetDatasetRequest { DatasetId = Kept.Id })).Dataset.Samples.ToList();
    }

    /// <summary>The server still answers and the seeded dataset is as it was.</summary>
    public async Task AssertStillServingAsync()
    {
        var list = await Datasets.ListDatasetsAsync(new ListDatasetsRequest());
        Assert.Contains(list.Datasets, d => d.Id == Kept.Id && d.SampleCount == 1);
        var now = (await Datasets.GetDatasetAsync(new GetDatasetRequest { DatasetId = Kept.Id })).Dataset.Samples;
        Assert.Equal(KeptSamples.Select(s => (s.Name, s.Role, s.Sha256)).Order(), now.Select(s => (s.Name, s.Role, s.Sha256)).Order());
        Assert.False(string.IsNullOrEmpty((await ServerInfo.GetServerInfoAsync(new GetServerInfoRequest())).Version));
    }
}

/// <summary>Bad requests against the real server and engine: each gets its status and a message a user can act on, and breaks nothing.</summary>
public class BadInputTests(SeededServerFixture server) : IClassFixture<SeededServerFixture>
{
    private static readonly ImageData Small = ImageData.Create2D(16, 16, Enumerable.Range(0, 256).Select(i => (float)i).ToArray());

    private async Task<RpcException> Upload(StatusCode expected, IEnumerable<UploadSamplesRequest> messages)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Datasets.UploadAsync(messages));
        Assert.Equal(expected, e.StatusCode);
        await server.AssertStillServingAsync();
        return e;
    }

    private static List<UploadSamplesRequest> OneFile(string datasetId, Action<ImageHeader> spoil, string name = "bad")
    {
        var messages = GrpcClients.UploadMessages(datasetId, new UploadFile(SampleRole.Source, name, Small, DType.Uint8)).ToList();
        spoil(messages[1].Sample.Image);
        return messages;
    }

    [Fact]
    public async Task Unspecified_dtype()
    {
        var e = await Upload(StatusCode.InvalidArgument, OneFile(server.Kept.Id, h => h.Dtype = DType.Unspecified));
        Assert.Equal("sample.image.dtype: dtype is not specified (use uint8, uint16, int32 or float32)", e.Status.Detail);
        Assert.Equal("sample.image.dtype", e.FieldViolations().Single().Field);
    }

    [Fact]
    public async Task Byte_count_that_does_not_match_the_shape()
    {
        var e = await Upload(StatusCode.InvalidArgument, OneFile(server.Kept.Id, h => h.ByteCount = 100));
        Assert.Equal("sample.image.byte_count: byte_count 100 does not match shape [16, 16] of uint8 (256 bytes)", e.Status.Detail);
    }

    [Fact]
    public async Task Axes_that_do_not_match_the_shape()
    {
        var e = await Upload(StatusCode.InvalidArgument, OneFile(server.Kept.Id, h => h.Axes = "ZYX"));
        Assert.Equal("sample.image.shape: shape has 2 sizes but axes 'ZYX' has 3 letters", e.Status.Detail);
    }

    [Fact]
    public async Task Chunks_out_of_order()
    {
        var messages = new List<UploadSamplesRequest>
        {
            new() { DatasetId = server.Kept.Id },
            new() { Sample = new SampleHeader { Role = SampleRole.Source, Image = ImageMessageTests.Header(DType.Uint8, "YX", [16, 16], 256, "bad") } },
            new() { Chunk = ImageMessageTests.Chunk(128, new byte[128]) },
            new() { Chunk = ImageMessageTests.Chunk(0, new byte[128]) },
        };
        var e = await Upload(StatusCode.InvalidArgument, messages);
        Assert.Equal("chunk.offset: chunk at offset 128, expected 0 (image 'bad')", e.Status.Detail);
    }

    [Fact]
    public async Task More_bytes_than_declared()
    {
        var messages = OneFile(server.Kept.Id, _ => { });
        messages[^1] = new UploadSamplesRequest { Chunk = ImageMessageTests.Chunk(0, new byte[257]) };
        var e = await Upload(StatusCode.InvalidArgument, messages);
        Assert.Equal("chunk.data: image 'bad' declared 256 bytes but its chunks carry 257 or more", e.Status.Detail);
    }

    [Fact]
    public async Task Stream_that_ends_inside_a_file()
    {
        var messages = OneFile(server.Kept.Id, _ => { });
        messages.RemoveAt(messages.Count - 1);
        var e = await Upload(StatusCode.InvalidArgument, messages);
        Assert.Equal("chunk: image 'bad' ended after 0 of 256 bytes", e.Status.Detail);
    }

    [Fact]
    public async Task Int32_pixels_that_float32_cannot_hold_exactly()
    {
        var messages = GrpcClients.UploadMessages(server.Kept.Id,
            new UploadFile(SampleRole.Source, "counts", ImageData.Create2D(1, 2, [1, 16_777_218]), DType.Int32)).ToList();
        var e = await Upload(StatusCode.InvalidArgument, messages);
        Assert.Equal("chunk.data", e.FieldViolations().Single().Field);
        Assert.StartsWith("chunk.data: image 'counts': int32 pixel 1 is 16777218, beyond ±16777216 (2^24)", e.Status.Detail);
    }

    [Fact]
    public async Task Source_and_target_of_different_sizes()
    {
        var ds = await server.Datasets.CreateDatasetAsync("mismatch", DatasetKind.Paired);
        var e = await Upload(StatusCode.InvalidArgument, GrpcClients.UploadMessages(ds.Id,
            new UploadFile(SampleRole.Source, "a", ImageData.Create2D(64, 64, new float[64 * 64]), DType.Uint8),
            new UploadFile(SampleRole.Target, "a", ImageData.Create2D(32, 32, new float[32 * 32]), DType.Uint8)));

        Assert.Equal("image.shape", e.FieldViolations().Single().Field);
        Assert.Contains("target 'a' is [32x32] but its source is [64x64]", e.Status.Detail);
        // The source arrived complete before the target was refused, so it is kept.
        var kept = (await server.Datasets.GetDatasetAsync(new GetDatasetRequest { DatasetId = ds.Id })).Dataset;
        Assert.Equal([("a", SampleRole.Source)], kept.Samples.Select(s => (s.Name, s.Role)));
    }

    [Fact]
    public async Task Sample_name_with_a_path()
    {
        var e = await Upload(StatusCode.InvalidArgument, OneFile(server.Kept.Id, _ => { }, name: "../escape"));
        Assert.Contains("sample name '../escape' must not contain", e.Status.Detail);
    }

    [Fact]
    public async Task Upload_to_an_unknown_dataset()
    {
        var e = await Upload(StatusCode.NotFound, OneFile("no-such-dataset", _ => { }));
        Assert.Equal("dataset 'no-such-dataset' not found", e.Status.Detail);
    }

    [Fact]
    public async Task Dataset_name_with_a_path()
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () => await server.Datasets.CreateDatasetAsync("../evil", DatasetKind.Paired));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("dataset name '../evil' must not contain '/', '\\' or '..'", e.Status.Detail);
        await server.AssertStillServingAsync();
    }

    [Fact]
    public async Task Unknown_model()
    {
        var get = await Assert.ThrowsAsync<RpcException>(async () => await server.Models.GetModelAsync(new GetModelRequest { ModelId = "no-such-model" }));
        Assert.Equal((StatusCode.NotFound, "model 'no-such-model' not found"), (get.StatusCode, get.Status.Detail));

        var predict = await Assert.ThrowsAsync<RpcException>(() => server.Inference.PredictAsync(
            GrpcClients.PredictMessages(new PredictHeader { ModelId = "no-such-model" }, ("x", Small, DType.Uint8))));
        Assert.Equal((StatusCode.NotFound, "model 'no-such-model' not found"), (predict.StatusCode, predict.Status.Detail));

        var qc = await Assert.ThrowsAsync<RpcException>(async () => await server.Jobs.SubmitQualityControlAsync(
            new SubmitQualityControlRequest { ModelId = "no-such-model", DatasetId = server.Kept.Id }));
        Assert.Equal(StatusCode.NotFound, qc.StatusCode);
        await server.AssertStillServingAsync();
    }

    [Fact]
    public async Task Unknown_dataset_for_training()
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () => await server.Jobs.SubmitTrainingAsync(
            new SubmitTrainingRequest { Network = "care-2d", DatasetId = "no-such-dataset" }));
        Assert.Equal((StatusCode.NotFound, "dataset 'no-such-dataset' not found"), (e.StatusCode, e.Status.Detail));
        await server.AssertStillServingAsync();
    }

    [Fact]
    public async Task Unknown_network()
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () => await server.Jobs.SubmitTrainingAsync(
            new SubmitTrainingRequest { Network = "no-such-net", DatasetId = server.Kept.Id }));
        Assert.Equal((StatusCode.NotFound, "network 'no-such-net' not found"), (e.StatusCode, e.Status.Detail));
        await server.AssertStillServingAsync();
    }

    [Fact]
    public async Task Dataset_of_the_wrong_kind_for_the_network()
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () => await server.Jobs.SubmitTrainingAsync(
            new SubmitTrainingRequest { Network = "unet-2d", DatasetId = server.Kept.Id }));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("dataset_id", e.FieldViolations().Single().Field);
        await server.AssertStillServingAsync();
    }

    [Fact]
    public async Task Unknown_parameter_is_named()
    {
        var e = await SubmitCare(("foo", "1"));
        var violation = e.FieldViolations().Single();
        Assert.Equal("foo", violation.Field);
        Assert.StartsWith("unknown parameter; known: epochs", violation.Description);
        Assert.StartsWith("invalid parameters: foo: unknown parameter", e.Status.Detail);
    }

    [Fact]
    public async Task Out_of_range_parameter_is_named()
    {
        var e = await SubmitCare(("epochs", "-3"), ("learning_rate", "fast"));
        Assert.Equal([("epochs", "-3 is out of range [1, 100000]"), ("learning_rate", "'fast' is not a number")],
            e.FieldViolations().Select(v => (v.Field, v.Description)));
    }

    [Fact]
    public async Task Parameter_given_twice_is_named()
    {
        var e = await SubmitCare(("epochs", "2"), ("epochs", "3"));
        Assert.Equal("parameters.epochs", e.FieldViolations().Single().Field);
        Assert.Equal("parameters.epochs: parameter 'epochs' is given more than once", e.Status.Detail);
    }

    [Fact]
    public async Task Unknown_job()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Jobs.WatchToEndAsync("no-such-job", TimeSpan.FromSeconds(10)));
        Assert.Equal((StatusCode.NotFound, "job 'no-such-job' not found"), (e.StatusCode, e.Status.Detail));
        await server.AssertStillServingAsync();
    }

    private async Task<RpcException> SubmitCare(params (string Name, string Value)[] parameters)
    {
        var request = new SubmitTrainingRequest { Network = "care-2d", DatasetId = server.Kept.Id };
        request.Parameters.AddRange(parameters.Select(p => new ParameterValue { Name = p.Name, Value = p.Value }));
        var e = await Assert.ThrowsAsync<RpcException>(async () => await server.Jobs.SubmitTrainingAsync(request));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Empty((await server.Jobs.ListJobsAsync(new ListJobsRequest())).Jobs);
        await server.AssertStillServingAsync();
        return e;
    }
}

public sealed class LimitedServerFixture : ServerFixture
{
    protected override IEnumerable<string> ExtraArguments => ["--Server:MaxImageBytes=100000"];
}

public class ImageLimitTests(LimitedServerFixture server) : IClassFixture<LimitedServerFixture>
{
    [Fact]
    public async Task Image_above_the_configured_limit_is_resource_exhausted()
    {
        Assert.Equal(100_000, (await server.ServerInfo.GetServerInfoAsync(new GetServerInfoRequest())).MaxImageBytes);
        var ds = await server.Datasets.CreateDatasetAsync("limited", DatasetKind.Images);
        var fits = ImageData.Create2D(100, 100, new float[10_000]);
        var big = ImageData.Create2D(200, 200, new float[40_000]);

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Datasets.UploadAsync(ds.Id,
            new UploadFile(SampleRole.Source, "fits", fits, DType.Uint8),
            new UploadFile(SampleRole.Source, "big", big, DType.Float32)));

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal("image 'big' is 160000 bytes, above the server limit of 100000 bytes (Server:MaxImageBytes)", e.Status.Detail);
        var stored = (await server.Datasets.GetDatasetAsync(new GetDatasetRequest { DatasetId = ds.Id })).Dataset;
        Assert.Equal(["fits"], stored.Samples.Select(s => s.Name));
    }
}
