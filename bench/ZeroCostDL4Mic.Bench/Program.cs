// Benchmarks behind the issues' targets; prints one table. Run:
//   dotnet run -c Release --project bench/ZeroCostDL4Mic.Bench [-- --steps 10 --size 2048]
//   dotnet run -c Release --project bench/ZeroCostDL4Mic.Bench -- stardist [--steps 400 --threads 2]  (StarDistBench.cs)
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using IPredictionService = ZeroCostDL4Mic.Engine.Api.IPredictionService;
using PredictionOptions = ZeroCostDL4Mic.Engine.Api.PredictionOptions;
using InferenceBackendChoice = ZeroCostDL4Mic.Engine.Api.InferenceBackend;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;
using ZeroCostDL4Mic.Server;
using static TorchSharp.torch;

if (args.Length > 0 && args[0] == "stardist")
{
    ZeroCostDL4Mic.Bench.StarDistBench.Run(args[1..]);
    return 0;
}

int steps = Arg("--steps", 10), size = Arg("--size", 2048), repeats = Arg("--repeats", 3);
var rows = new List<(string Name, string Value, string Note)>();
var device = cuda.is_available() ? CUDA : CPU;
Console.Error.WriteLine($"device {device.type}, {Environment.ProcessorCount} cores, torch threads {get_num_threads()}");

// CARE configuration of the foundation issue: depth 2, 32 base filters, 3x3 kernels, batch 16 of 1x256x256.
var care = new NetworkRegistry().Definition("care-2d");
var architecture = new Dictionary<string, string> { ["unet_depth"] = "2", ["unet_base_filters"] = "32", ["unet_kern_size"] = "3" };
var p = care.ResolveParameters(architecture);
using (var model = care.Build(p))
{
    model.to(device);
    using var optimizer = optim.Adam(model.parameters(), 4e-4);
    using var x = randn(16, 1, 256, 256, device: device);
    using var y = randn(16, 1, 256, 256, device: device);
    var times = new List<double>();
    for (int i = 0; i < steps + 2; i++)
    {
        var clock = Stopwatch.StartNew();
        using (var scope = NewDisposeScope())
        {
            var loss = ZeroCostDL4Mic.Engine.Networks.Common.Losses.Restoration("laplace", model.forward(x), y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            loss.item<float>();
        }
        if (i >= 2) times.Add(clock.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    rows.Add(("CARE training step (batch 16 × 1×256×256)", $"{times[times.Count / 2]:F0} ms", $"median of {steps} steps on {device.type}"));
}

// Inference on a size×size float32 image: through the gRPC API and in-process, same model, same tiling.
var dataDirectory = Path.Combine(Path.GetTempPath(), $"dl4mic-bench-{Guid.NewGuid():N}");
var app = ServerHost.Build(new[] { "--Server:Port=0", $"--Engine:DataDirectory={dataDirectory}", "--Logging:LogLevel:Default=Warning" });
await app.StartAsync();
try
{
    using var channel = GrpcChannel.ForAddress(ServerHost.BoundAddress(app), new GrpcChannelOptions { MaxReceiveMessageSize = 64 << 20 });
    var modelId = await TrainTinyModel(channel, architecture);
    var image = new float[size * size];
    var random = new Random(1);
    for (int i = 0; i < image.Length; i++) image[i] = (float)random.NextDouble() * 1000;
    double megapixels = size * (double)size / 1e6;

    // The same model, tiling and outputs on each backend (the auto default is whichever is faster here, see EngineOptions).
    var predictions = app.Services.GetRequiredService<IPredictionService>();
    var byBackend = new Dictionary<InferenceBackendChoice, double>();
    foreach (var backend in new[] { InferenceBackendChoice.Torch, InferenceBackendChoice.Onnx, InferenceBackendChoice.Auto })
    {
        var times = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            using var session = predictions.Open(new PredictionOptions(modelId, Backend: backend));
            var clock = Stopwatch.StartNew();
            await foreach (var _ in session.PredictAsync("bench", ImageData.Create2D(size, size, image), null, CancellationToken.None)) { }
            times.Add(clock.Elapsed.TotalSeconds);
        }
        byBackend[backend] = times.Min();
    }
    var inProcess = new List<double> { byBackend[InferenceBackendChoice.Auto] };
    foreach (var (backend, name) in new[] { (InferenceBackendChoice.Torch, "TorchSharp"), (InferenceBackendChoice.Onnx, "ONNX Runtime") })
        rows.Add(($"CARE inference {size}×{size} float32, {name}", $"{megapixels / byBackend[backend]:F2} MP/s",
            $"{byBackend[backend]:F2} s, best of {repeats}, in-process, tile 512"));
    var overGrpc = new List<double>();
    var client = new Inference.InferenceClient(channel);
    var bytes = MemoryMarshal.AsBytes(image.AsSpan()).ToArray();
    for (int r = 0; r < repeats; r++)
    {
        var clock = Stopwatch.StartNew();
        using var call = client.Predict();
        await call.RequestStream.WriteAsync(new PredictRequest { Header = new PredictHeader { ModelId = modelId } });
        var header = new ImageHeader { Name = "bench.tif", Dtype = DType.Float32, Axes = "YX", ByteCount = bytes.Length };
        header.Shape.Add(size);
        header.Shape.Add(size);
        await call.RequestStream.WriteAsync(new PredictRequest { Image = header });
        for (int offset = 0; offset < bytes.Length; offset += 1 << 20)
            await call.RequestStream.WriteAsync(new PredictRequest { Chunk = new ImageChunk { Offset = offset, Data = ByteString.CopyFrom(bytes, offset, Math.Min(1 << 20, bytes.Length - offset)) } });
        await call.RequestStream.CompleteAsync();
        long received = 0;
        await foreach (var response in call.ResponseStream.ReadAllAsync())
            if (response.PartCase == PredictResponse.PartOneofCase.Chunk) received += response.Chunk.Data.Length;
        overGrpc.Add(clock.Elapsed.TotalSeconds);
        if (received != bytes.Length) throw new InvalidOperationException($"received {received} bytes, expected {bytes.Length}");
    }
    double bestLocal = inProcess.Min(), bestGrpc = overGrpc.Min();
    rows.Add(($"CARE inference {size}×{size} float32, in-process (auto)", $"{megapixels / bestLocal:F2} MP/s", $"{bestLocal:F2} s, best of {repeats}, tile 512"));
    rows.Add(($"CARE inference {size}×{size} float32, gRPC API", $"{megapixels / bestGrpc:F2} MP/s", $"{bestGrpc:F2} s, best of {repeats}; transport overhead {(bestGrpc - bestLocal) * 1000:F0} ms"));
}
finally
{
    await app.StopAsync();
    Directory.Delete(dataDirectory, true);
}

Console.WriteLine();
Console.WriteLine($"| {"benchmark",-52} | {"result",-12} | note");
Console.WriteLine($"|{new string('-', 54)}|{new string('-', 14)}|{new string('-', 50)}");
foreach (var (name, value, note) in rows) Console.WriteLine($"| {name,-52} | {value,-12} | {note}");
return 0;

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

// A model with the benchmark's architecture, trained for one step so it exists in the server's store.
static async Task<string> TrainTinyModel(GrpcChannel channel, Dictionary<string, string> architecture)
{
    var datasets = new Datasets.DatasetsClient(channel);
    var dataset = (await datasets.CreateDatasetAsync(new CreateDatasetRequest { Name = "bench", Kind = DatasetKind.Paired })).Dataset;
    using (var upload = datasets.UploadSamples())
    {
        await upload.RequestStream.WriteAsync(new UploadSamplesRequest { DatasetId = dataset.Id });
        foreach (var role in new[] { SampleRole.Source, SampleRole.Target })
            for (int n = 0; n < 2; n++)
            {
                var pixels = new float[256 * 256];
                var random = new Random(n);
                for (int i = 0; i < pixels.Length; i++) pixels[i] = (float)random.NextDouble();
                var data = MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray();
                var header = new ImageHeader { Name = $"s{n}.tif", Dtype = DType.Float32, Axes = "YX", ByteCount = data.Length };
                header.Shape.Add(256);
                header.Shape.Add(256);
                await upload.RequestStream.WriteAsync(new UploadSamplesRequest { Sample = new SampleHeader { Role = role, Image = header } });
                await upload.RequestStream.WriteAsync(new UploadSamplesRequest { Chunk = new ImageChunk { Offset = 0, Data = ByteString.CopyFrom(data) } });
            }
        await upload.RequestStream.CompleteAsync();
        await upload;
    }
    var jobs = new Jobs.JobsClient(channel);
    var request = new SubmitTrainingRequest { Network = "care-2d", DatasetId = dataset.Id, ModelName = "bench" };
    foreach (var (k, v) in architecture.Concat(new Dictionary<string, string> { ["epochs"] = "1", ["steps_per_epoch"] = "1", ["batch_size"] = "2", ["patches_per_image"] = "2", ["patch_size"] = "64" }))
        request.Parameters.Add(new ParameterValue { Name = k, Value = v });
    var job = (await jobs.SubmitTrainingAsync(request)).Job;
    using var watch = jobs.WatchJob(new WatchJobRequest { JobId = job.Id });
    await foreach (var _ in watch.ResponseStream.ReadAllAsync()) { }
    var done = (await jobs.GetJobAsync(new GetJobRequest { JobId = job.Id })).Job;
    if (done.State != JobState.Succeeded) throw new InvalidOperationException($"bench model training {done.State}: {done.Message}");
    return done.ModelId;
}
