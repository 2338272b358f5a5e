using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Server;

namespace ZeroCostDL4Mic.Cli.Tests;

/// <summary>A real server (ServerHost, Kestrel on 127.0.0.1, ephemeral port, real engine) for the CLI to talk to.</summary>
public sealed class LiveServer : IAsyncLifetime
{
    private WebApplication? _app;

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("dl4mic-cli-e2e-data-").FullName;
    public string Address { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _app = ServerHost.Build(
            ["--Server:Host", "127.0.0.1", "--Server:Port", "0", "--Engine:DataDirectory", DataDirectory, "--Engine:Device", "cpu"],
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await _app.StartAsync();
        Address = ServerHost.BoundAddress(_app).ToString().TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}

/// <summary>The end-to-end runs train on the CPU; they share one collection so they never compete for cores.</summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<LiveServer>
{
    public const string Name = "end to end";
}

[Collection(EndToEndCollection.Name)]
public sealed class EndToEndTests(LiveServer server) : IDisposable
{
    private const int Size = 96;
    private readonly TempFolder _folders = new();

    /// <summary>Noisy/clean pairs cut from the shipped EM slices, written as real TIFF files.</summary>
    private (string Source, string Target) WritePairs(int count)
    {
        var source = _folders.Create("Training_source");
        var target = _folders.Create("Training_target");
        var samples = Path.Combine(AppContext.BaseDirectory, "Samples", "em-isbi2012", "images");
        var random = new Random(3);
        for (int i = 0; i < count; i++)
        {
            var slice = ImageFiles.Read(Path.Combine(samples, $"{i}.png"));
            var crop = new float[Size * Size];
            for (int y = 0; y < Size; y++)
                Array.Copy(slice.Pixels, (100 + y) * slice.Width + 100, crop, y * Size, Size);
            var calibration = new Calibration(0.004, 0.004, 0, "micron");
            var clean = ImageData.Create2D(Size, Size, crop, PixelType.UInt8, calibration);
            var noisy = ImageData.Create2D(Size, Size, Demo.NoisyImages.PoissonGaussian(crop, 20, 1.5, random), PixelType.Float32, calibration);
            TiffImages.Write(Path.Combine(source, $"crop_{i}.tif"), noisy, PixelType.Float32, TiffCompression.None);
            TiffImages.Write(Path.Combine(target, $"crop_{i}.tif"), clean, PixelType.UInt8, TiffCompression.Deflate);
        }
        return (source, target);
    }

    private Task<CliRun> Dl4mic(params string[] args) => CliRun.RunAsync([.. args, "--server", server.Address]);

    [Fact]
    public async Task Create_train_show_and_predict_through_the_command_line()
    {
        var (source, target) = WritePairs(3);

        var info = await Dl4mic("info", "--json");
        Assert.True(info.ExitCode == 0, info.ToString());

        var created = await Dl4mic("datasets", "create", "--name", "e2e", "--kind", "paired", "--source", source, "--target", target, "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var datasetId = (string)created.Json()["dataset"]!["id"]!;
        Assert.Equal(3, (int)created.Json()["dataset"]!["sample_count"]!);
        Assert.Equal(6, (int)created.Json()["files_received"]!);

        var trained = await Dl4mic("train", "--network", "care-2d", "--dataset", datasetId, "--name", "e2e-care",
            "--param", "epochs=1", "steps_per_epoch=2", "batch_size=2", "patch_size=32", "unet_depth=1", "unet_base_filters=4", "unet_kern_size=3", "patches_per_image=8",
            "--wait", "--json");
        Assert.True(trained.ExitCode == 0, trained.ToString());
        var job = trained.Json()["job"]!;
        Assert.Equal("JOB_STATE_SUCCEEDED", (string)job["state"]!);
        var modelId = (string?)trained.Json()["result"]?["model_id"] is { Length: > 0 } fromResult ? fromResult : (string)job["model_id"]!;

        var shown = await Dl4mic("models", "show", modelId, "--json");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Equal("care-2d", (string)shown.Json()["network"]!);
        Assert.Equal("e2e-care", (string)shown.Json()["name"]!);
        Assert.NotEmpty(shown.Json()["history"]!.AsArray());
        Assert.NotEmpty(shown.Json()["files"]!.AsArray());

        var human = await Dl4mic("models", "show", modelId);
        Assert.True(human.ExitCode == 0, human.ToString());
        Assert.Contains("training history", human.Stdout);

        var output = Path.Combine(_folders.Root, "predictions");
        var input = Path.Combine(source, "crop_0.tif");
        var predicted = await Dl4mic("predict", "--model", modelId, "--input", input, "--output", output, "--json");
        Assert.True(predicted.ExitCode == 0, predicted.ToString());

        var restored = Path.Combine(output, "crop_0_restored.tif");
        Assert.True(File.Exists(restored), predicted.ToString());
        var image = ImageFiles.Read(restored);
        var original = ImageFiles.Read(input);
        Assert.Equal(original.Shape, image.Shape);
        Assert.Equal(original.Calibration.PixelSizeX, image.Calibration.PixelSizeX, 6);
        Assert.Equal(original.Calibration.Unit, image.Calibration.Unit);

        var folderOutput = Path.Combine(_folders.Root, "folder-predictions");
        var folder = await Dl4mic("predict", "--model", modelId, "--input", source, "--output", folderOutput);
        Assert.True(folder.ExitCode == 0, folder.ToString());
        Assert.Equal(["crop_0_restored.tif", "crop_1_restored.tif", "crop_2_restored.tif"],
            Directory.EnumerateFiles(folderOutput).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var missingFile = await Dl4mic("models", "download", modelId, "--file", "no-such-file.bin", "--output", Path.Combine(_folders.Root, "none"));
        Assert.True(missingFile.ExitCode == ExitCodes.NotFound, missingFile.ToString());

        var downloaded = await Dl4mic("models", "download", modelId, "--output", Path.Combine(_folders.Root, "model"), "--json");
        Assert.True(downloaded.ExitCode == 0, downloaded.ToString());
        foreach (var file in downloaded.Json()["files"]!.AsArray())
            Assert.True(File.Exists((string)file!["path"]!));
    }

    [Fact]
    public async Task Export_a_bioimageio_package_and_import_it_as_a_model_that_predicts()
    {
        var (source, target) = WritePairs(2);
        var created = await Dl4mic("datasets", "create", "--name", "exchange", "--kind", "paired", "--source", source, "--target", target, "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var trained = await Dl4mic("train", "--network", "care-2d", "--dataset", (string)created.Json()["dataset"]!["id"]!,
            "--param", "epochs=1", "steps_per_epoch=2", "batch_size=2", "patch_size=32", "unet_depth=1", "unet_base_filters=4", "unet_kern_size=3", "patches_per_image=8",
            "--wait", "--json");
        Assert.True(trained.ExitCode == 0, trained.ToString());
        var modelId = (string)trained.Json()["job"]!["model_id"]!;

        var zip = Path.Combine(_folders.Root, "exported", "care.zip");
        var exported = await Dl4mic("models", "export", modelId, "--format", "bioimageio", "--output", zip, "--author", "Jane Doe", "--json");
        Assert.True(exported.ExitCode == 0, exported.ToString());
        using (var archive = System.IO.Compression.ZipFile.OpenRead(zip))
            Assert.Contains(archive.Entries, e => e.FullName == "rdf.yaml");
        var onnx = await Dl4mic("models", "export", modelId, "--format", "onnx", "--output", Path.Combine(_folders.Root, "exported", "care.onnx"));
        Assert.True(onnx.ExitCode == 0, onnx.ToString());

        var imported = await Dl4mic("models", "import", zip, "--json");
        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Equal("bioimageio-onnx", (string)imported.Json()["network"]!);
        var output = Path.Combine(_folders.Root, "imported-predictions");
        var predicted = await Dl4mic("predict", "--model", (string)imported.Json()["id"]!, "--input", Path.Combine(source, "crop_0.tif"), "--output", output);
        Assert.True(predicted.ExitCode == 0, predicted.ToString());
        Assert.True(File.Exists(Path.Combine(output, "crop_0_restored.tif")), predicted.ToString());

        var notAPackage = Path.Combine(_folders.Root, "exported", "not-a-package.zip");
        File.WriteAllText(notAPackage, "hello");
        var refused = await Dl4mic("models", "import", notAPackage);
        Assert.True(refused.ExitCode == ExitCodes.InvalidInput, refused.ToString());
        Assert.Contains("zip", refused.Stderr);
    }

    [Fact]
    public async Task Unknown_ids_exit_with_3_and_bad_parameters_with_4()
    {
        var missing = await Dl4mic("models", "show", "no-such-model");
        Assert.True(missing.ExitCode == ExitCodes.NotFound, missing.ToString());

        var missingJob = await Dl4mic("jobs", "watch", "no-such-job", "--json");
        Assert.True(missingJob.ExitCode == ExitCodes.NotFound, missingJob.ToString());
        Assert.Equal(3, (int)missingJob.Json()["error"]!["exit_code"]!);

        var (source, target) = WritePairs(2);
        var created = await Dl4mic("datasets", "create", "--name", "bad-params", "--kind", "paired", "--source", source, "--target", target, "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var datasetId = (string)created.Json()["dataset"]!["id"]!;

        var badParameter = await Dl4mic("train", "--network", "care-2d", "--dataset", datasetId, "--param", "epochs=-5");
        Assert.True(badParameter.ExitCode == ExitCodes.InvalidInput, badParameter.ToString());
        Assert.Contains("epochs", badParameter.Stderr);

        var unknownNetwork = await Dl4mic("networks", "show", "no-such-network");
        Assert.True(unknownNetwork.ExitCode == ExitCodes.NotFound, unknownNetwork.ToString());

        var deleted = await Dl4mic("datasets", "delete", datasetId);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        var gone = await Dl4mic("datasets", "show", datasetId);
        Assert.True(gone.ExitCode == ExitCodes.NotFound, gone.ToString());
    }

    [Fact]
    public async Task A_truncated_tiff_exits_with_4_naming_the_file_and_the_server_keeps_its_data()
    {
        var (source, target) = WritePairs(2);
        var kept = await Dl4mic("datasets", "create", "--name", "kept-before-truncated", "--kind", "paired", "--source", source, "--target", target, "--json");
        Assert.True(kept.ExitCode == 0, kept.ToString());
        var keptId = (string)kept.Json()["dataset"]!["id"]!;
        var cut = Path.Combine(source, "crop_1.tif");
        var bytes = File.ReadAllBytes(cut);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);

        var refused = await Dl4mic("datasets", "create", "--name", "with-truncated", "--kind", "paired", "--source", source, "--target", target, "--json");

        Assert.True(refused.ExitCode == ExitCodes.InvalidInput, refused.ToString());
        var message = (string)refused.Json()["error"]!["message"]!;
        Assert.Contains(cut, message);
        Assert.Contains("truncated TIFF", message);
        Assert.Contains("truncated TIFF", refused.Stderr);

        var list = await Dl4mic("datasets", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var datasets = list.Json()["datasets"]!.AsArray();
        Assert.DoesNotContain(datasets, d => (string)d!["name"]! == "with-truncated");
        Assert.Contains(datasets, d => (string)d!["id"]! == keptId && (int)d["sample_count"]! == 2);
    }

    [Fact]
    public async Task Networks_list_shows_care_2d_and_its_parameters()
    {
        var list = await Dl4mic("networks", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(list.Json()["networks"]!.AsArray(), n => (string)n!["key"]! == "care-2d");

        var show = await Dl4mic("networks", "show", "care-2d");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("epochs", show.Stdout);
    }

    public void Dispose() => _folders.Dispose();
}
