using System.Globalization;
using System.IO.Compression;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using ZeroCostDL4Mic.Engine.Tests;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>
/// Export and import through the real Kestrel server: a tiny U-Net trained on EM data is exported as a bioimage.io
/// package that passes the validator, imported back as a prediction-only model whose predictions equal the
/// original's, and broken packages are refused with a message naming the problem.
/// </summary>
public class ModelExchangeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_trained_model_exports_validates_imports_and_predicts_like_the_original()
    {
        var model = await TrainTinyUNetAsync();

        var package = await ExportAsync(new ExportModelRequest { ModelId = model.Id, Authors = { "Test Author" } });
        Assert.EndsWith(".bioimageio.zip", package.Name);
        var validator = new BioImageIoValidator(package.Content);
        validator.Validate();
        Assert.Contains("loss_curves.png", validator.Files.Keys);

        var onnx = await ExportAsync(new ExportModelRequest { ModelId = model.Id, Format = ExportFormat.Onnx });
        Assert.Equal(8, Onnx.ModelProto.Parser.ParseFrom(onnx.Content).IrVersion);

        var imported = await ImportAsync(package.Name, package.Content);
        Assert.Equal("bioimageio-onnx", imported.Network);
        Assert.True(imported.Ready);

        // An image whose sides are no multiple of the network's step, predicted by the original (both backends) and the import.
        var image = TestImages.Crop(TestImages.Load("em-1.png"), 10, 20, 150, 131);
        var torch = await ProbabilityAsync(model.Id, image, InferenceBackend.Torch);
        var ort = await ProbabilityAsync(model.Id, image, InferenceBackend.Onnx);
        var fromPackage = await ProbabilityAsync(imported.Id, image, InferenceBackend.Unspecified);
        Assert.True(MaxDifference(ort, torch) < 1e-4, $"onnx vs torch {MaxDifference(ort, torch)}");
        Assert.True(MaxDifference(fromPackage, torch) < 1e-4, $"imported vs torch {MaxDifference(fromPackage, torch)}");

        // Batch prediction jobs take imported models too.
        var job = (await server.Jobs.SubmitPredictionAsync(new SubmitPredictionRequest { ModelId = imported.Id, DatasetId = model.DatasetId })).Job;
        var events = await server.Jobs.WatchToEndAsync(job.Id, TimeSpan.FromMinutes(1));
        Assert.True(events.Last().State == JobState.Succeeded, GrpcClients.Describe(events));
        Assert.EndsWith("_probability.tif", Assert.Single((await server.Jobs.GetJobAsync(new GetJobRequest { JobId = job.Id })).Job.Files).Name);

        var reexported = await ExportAsync(new ExportModelRequest { ModelId = imported.Id });
        Assert.Equal(package.Content, reexported.Content);
    }

    [Fact]
    public async Task Broken_packages_are_refused_naming_the_problem()
    {
        var model = await TrainTinyUNetAsync();
        var package = (await ExportAsync(new ExportModelRequest { ModelId = model.Id, Format = ExportFormat.Bioimageio })).Content;

        var wrongHash = Rewrite(package, "rdf.yaml", text => ReplaceWeightsHash(text));
        var e = await Assert.ThrowsAsync<RpcException>(() => ImportAsync("wrong-hash.zip", wrongHash));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("weights.onnx", e.Status.Detail);
        Assert.Contains("sha256", e.Status.Detail);

        var missing = Rewrite(package, "test_output.npy", null);
        e = await Assert.ThrowsAsync<RpcException>(() => ImportAsync("missing.zip", missing));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("test_output.npy", e.Status.Detail);
        Assert.Contains("missing", e.Status.Detail);

        var malformed = Rewrite(package, "rdf.yaml", text => text.Replace("inputs:", "inputs: [unclosed"));
        e = await Assert.ThrowsAsync<RpcException>(() => ImportAsync("malformed.zip", malformed));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("rdf.yaml", e.Status.Detail);
        Assert.Contains("not valid YAML", e.Status.Detail);

        e = await Assert.ThrowsAsync<RpcException>(() => ImportAsync("no-rdf.zip", Rewrite(package, "rdf.yaml", null)));
        Assert.Contains("no rdf.yaml", e.Status.Detail);

        e = await Assert.ThrowsAsync<RpcException>(() => ImportAsync("not-a-zip.zip", Encoding.UTF8.GetBytes("hello")));
        Assert.Contains("not a readable zip", e.Status.Detail);

        e = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(new ExportModelRequest { ModelId = "mdl_nope" }));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        e = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(new ExportModelRequest { ModelId = model.Id, BioimageioFormatVersion = "0.3" }));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("bioimageio_format_version", Assert.Single(e.FieldViolations()).Field);
    }

    static string ReplaceWeightsHash(string rdf)
    {
        int weights = rdf.IndexOf("source: \"weights.onnx\"", StringComparison.Ordinal);
        int hash = rdf.IndexOf("sha256: \"", weights, StringComparison.Ordinal) + 9;
        return rdf[..hash] + new string('0', 64) + rdf[(hash + 64)..];
    }

    /// <summary>The zip with one entry rewritten (or removed when <paramref name="change"/> is null).</summary>
    static byte[] Rewrite(byte[] zip, string entryName, Func<string, string>? change)
    {
        using var copy = new MemoryStream();
        copy.Write(zip);
        using (var archive = new ZipArchive(copy, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = archive.GetEntry(entryName)!;
            string? text = null;
            if (change is not null)
                using (var reader = new StreamReader(entry.Open())) text = change(reader.ReadToEnd());
            entry.Delete();
            if (text is not null)
                using (var writer = new StreamWriter(archive.CreateEntry(entryName).Open())) writer.Write(text);
        }
        return copy.ToArray();
    }

    async Task<Model> TrainTinyUNetAsync()
    {
        var ds = await server.Datasets.CreateDatasetAsync($"exchange-{Guid.NewGuid():N}"[..20], DatasetKind.Masks);
        var source = TestImages.Crop(TestImages.Load("em-0.png"), 0, 0, 128, 128);
        var labels = TestImages.Crop(TestImages.Load("em-0-labels.png"), 0, 0, 128, 128);
        await server.Datasets.UploadAsync(ds.Id,
            new UploadFile(SampleRole.Source, "em", source, DType.Uint8), new UploadFile(SampleRole.Target, "em", labels, DType.Uint8));
        var request = new SubmitTrainingRequest { Network = "unet-2d", DatasetId = ds.Id, ModelName = "exchange" };
        foreach (var (name, value) in new[] { ("epochs", 1), ("steps_per_epoch", 3), ("batch_size", 2), ("patch_size", 64), ("unet_depth", 2), ("unet_base_filters", 4) })
            request.Parameters.Add(new ParameterValue { Name = name, Value = value.ToString(CultureInfo.InvariantCulture) });
        var job = (await server.Jobs.SubmitTrainingAsync(request)).Job;
        var events = await server.Jobs.WatchToEndAsync(job.Id, TimeSpan.FromMinutes(2));
        Assert.True(events.Last().State == JobState.Succeeded, GrpcClients.Describe(events));
        return (await server.Models.GetModelAsync(new GetModelRequest { ModelId = job.ModelId })).Model;
    }

    async Task<(string Name, byte[] Content)> ExportAsync(ExportModelRequest request)
    {
        using var call = server.Models.ExportModel(request);
        using var content = new MemoryStream();
        string name = "";
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            if (name.Length == 0) name = chunk.Name;
            Assert.Equal(content.Length, chunk.Offset);
            content.Write(chunk.Data.Span);
        }
        return (name, content.ToArray());
    }

    async Task<Model> ImportAsync(string name, byte[] package)
    {
        using var call = server.Models.ImportModel();
        for (int offset = 0; offset < package.Length || offset == 0; offset += 1 << 16)
        {
            int length = Math.Min(1 << 16, package.Length - offset);
            await call.RequestStream.WriteAsync(new FileChunk { Name = name, Offset = offset, TotalSize = package.Length, Data = ByteString.CopyFrom(package, offset, length) });
            if (length == 0) break;
        }
        await call.RequestStream.CompleteAsync();
        return (await call.ResponseAsync).Model;
    }

    async Task<float[]> ProbabilityAsync(string modelId, ImageData image, InferenceBackend backend)
    {
        var header = new PredictHeader { ModelId = modelId, Backend = backend, TileSize = 64 };
        var result = await server.Inference.PredictAsync(GrpcClients.PredictMessages(header, ("em", image, DType.Uint8)));
        return result.Outputs.Single(o => o.Kind == OutputKind.Probability).Image.Pixels;
    }

    static double MaxDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        return a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
    }
}
