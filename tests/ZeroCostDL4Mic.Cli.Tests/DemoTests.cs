using ZeroCostDL4Mic.Imaging;

namespace ZeroCostDL4Mic.Cli.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class DemoTests : IDisposable
{
    private readonly TempFolder _folders = new();

    [Fact]
    public void The_shipped_samples_are_small_and_attributed()
    {
        var samples = Path.Combine(AppContext.BaseDirectory, "Samples");
        var bytes = Directory.EnumerateFiles(samples, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        Assert.InRange(bytes, 1, 2_000_000);
        var readme = File.ReadAllText(Path.Combine(samples, "em-isbi2012", "README.md"));
        Assert.Contains("Cardona", readme);
        Assert.Contains("b45af4d4", readme);
        Assert.True(File.Exists(Path.Combine(samples, "em-isbi2012", "LICENSE")));
    }

    [Fact]
    public async Task The_demo_trains_checks_and_predicts_on_its_own_server()
    {
        var data = Path.Combine(_folders.Root, "data");
        var output = Path.Combine(_folders.Root, "demo");

        var run = await CliRun.RunAsync("demo", "--data-dir", data, "--output", output, "--epochs", "1", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = run.Json();
        Assert.False(string.IsNullOrEmpty((string?)result["model_id"]));
        Assert.Equal(data, (string)result["data_dir"]!);
        var summary = result["qc"]!["summary"]!.AsArray().Select(m => (string)m!["name"]!).ToList();
        Assert.Contains(summary, n => n.Contains("ssim", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(summary, n => n.Contains("psnr", StringComparison.OrdinalIgnoreCase));

        foreach (var folder in new[] { "Training_source", "Training_target", "QC_source", "QC_target" })
            Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(output, folder), "*.tif"));
        var prediction = (string)result["predictions"]![0]!["path"]!;
        Assert.StartsWith(Path.Combine(output, "Prediction"), prediction);
        var restored = ImageFiles.Read(prediction);
        Assert.Equal([512, 512], restored.Shape);
    }

    public void Dispose() => _folders.Dispose();
}
