using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using BitMiracle.LibTiff.Classic;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Imaging.Instances;

namespace ZeroCostDL4Mic.Cli.Tests;

/// <summary>
/// StarDist through the console, against a real server: crops of the shipped nuclei image and their instance labels
/// as TIFF folders, `datasets create --kind masks`, `train`, `predict` (an image and a 2D+t stack), `qc`, and
/// tiled prediction, transfer learning with `--base-model`.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class StarDistEndToEndTests(LiveServer server) : IDisposable
{
    private const int Crop = 128;
    private static readonly string Nuclei = Path.Combine(AppContext.BaseDirectory, "TestData", "nuclei");
    private static readonly ImageData Image = TiffImages.Read(Path.Combine(Nuclei, "img2d_512.tif"));
    private static readonly ImageData Labels = TiffImages.Read(Path.Combine(Nuclei, "mask2d_512.tif"));

    /// <summary>The cheapest settings found that reliably segment nuclei in unseen crops: 400 steps, about 10 s on 2 idle cores.</summary>
    private static readonly string[] Tiny =
    [
        "epochs=4", "steps_per_epoch=100", "batch_size=4", "patch_size=64", "learning_rate=3e-3",
        "unet_depth=3", "unet_base_filters=8", "net_conv_after_unet=32", "n_rays=16", "validation_fraction=0.25",
    ];

    private readonly TempFolder _folders = new();

    private Task<CliRun> Dl4mic(params string[] args) => CliRun.RunAsync([.. args, "--server", server.Address]);

    [Fact]
    public async Task Masks_dataset_trains_predicts_labels_and_objects_runs_qc_and_transfers()
    {
        var clock = Stopwatch.StartNew();
        // Training crops from the top half; the bottom half is never seen in training.
        var (source, target) = WriteCrops("train", [(0, 0), (0, 128), (0, 256), (0, 384), (128, 0), (128, 128), (128, 256), (128, 384)]);
        var created = await Dl4mic("datasets", "create", "--name", "nuclei", "--kind", "masks", "--source", source, "--target", target, "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var datasetId = (string)created.Json()["dataset"]!["id"]!;
        Assert.Equal(8, (int)created.Json()["dataset"]!["sample_count"]!);

        // The seed parameter (default 42) fixes the initial weights too: unseeded, about one run in ten stalled at this length.
        var modelId = await Train(datasetId, "nuclei-stardist", []);
        var trainTime = clock.Elapsed;

        // One held-out crop, and a 2D+t stack of three held-out crops.
        var (heldOut, _) = WriteCrops("predict", [(384, 384)]);
        var stackPath = Path.Combine(_folders.Root, "timelapse.tif");
        var frames = new[] { (256, 0), (256, 128), (384, 128) };
        TiffImages.Write(stackPath, new ImageData("TYX", [frames.Length, Crop, Crop],
            frames.SelectMany(f => Cut(Image, f.Item1, f.Item2)).ToArray(), Image.PixelType), Image.PixelType);

        var output = Path.Combine(_folders.Root, "predictions");
        var single = await Dl4mic("predict", "--model", modelId, "--input", Path.Combine(heldOut, "crop_384_384.tif"), "--output", output, "--json");
        Assert.True(single.ExitCode == 0, single.ToString());
        var found = AssertLabelsAndObjects(output, "crop_384_384", frameCount: 1, expectedAxes: "YX");
        int truth = Cut(Labels, 384, 384).Where(v => v > 0).Distinct().Count();
        Assert.True(found.Sum() >= truth / 2 && found.Sum() <= truth * 2, $"the model found {found.Sum()} of {truth} nuclei in a held-out crop");

        var stacked = await Dl4mic("predict", "--model", modelId, "--input", stackPath, "--output", output, "--json");
        Assert.True(stacked.ExitCode == 0, stacked.ToString());
        Assert.Contains(stacked.Json()["outputs"]!.AsArray(), o => (string)o!["kind"]! == "labels" && (string)o["axes"]! == "TYX");
        var perFrame = AssertLabelsAndObjects(output, "timelapse", frameCount: frames.Length, expectedAxes: "TYX");
        Assert.All(perFrame, count => Assert.True(count > 0, $"objects per frame: {string.Join(", ", perFrame)}"));
        var description = ImageDescription(Path.Combine(output, "timelapse_labels.tif"));
        Assert.Contains($"frames={frames.Length}", description);
        Assert.DoesNotContain("slices=", description);

        // The whole image in tiles (--tile 128 with the network's overlap: four 368-pixel tiles) gives the objects of one piece.
        var whole = Path.Combine(_folders.Root, "nuclei.tif");
        TiffImages.Write(whole, Image, Image.PixelType);
        var untiled = await Dl4mic("predict", "--model", modelId, "--input", whole, "--output", Path.Combine(_folders.Root, "untiled"), "--tile", "1024");
        var tiled = await Dl4mic("predict", "--model", modelId, "--input", whole, "--output", Path.Combine(_folders.Root, "tiled"), "--tile", "128");
        Assert.True(untiled.ExitCode == 0 && tiled.ExitCode == 0, $"{untiled}\n{tiled}");
        var tiling = InstanceMatching.Match(LabelsOf(Path.Combine(_folders.Root, "untiled", "nuclei_labels.tif")),
            LabelsOf(Path.Combine(_folders.Root, "tiled", "nuclei_labels.tif")), 0.9);
        Assert.True(tiling.NTrue > 20 && tiling.NPred == tiling.NTrue && tiling.F1 > 0.95,
            $"tiled vs whole: {tiling.TruePositives} of {tiling.NTrue} objects matched at IoU 0.9, {tiling.NPred} found in tiles");

        // QC on two held-out crops prints stardist's matching metrics at IoU 0.5.
        var (qcSource, qcTarget) = WriteCrops("qc", [(256, 256), (384, 256)]);
        var qc = await Dl4mic("qc", "--model", modelId, "--source", qcSource, "--target", qcTarget, "--json");
        Assert.True(qc.ExitCode == 0, qc.ToString());
        var summary = qc.Json()["qc"]!["summary"]!.AsArray().ToDictionary(m => (string)m!["name"]!, m => (double)m!["value"]!);
        foreach (var metric in new[] { "f1", "precision", "recall", "accuracy", "panoptic_quality", "mean_matched_score", "iou", "f1@0.5" })
            Assert.True(summary.TryGetValue(metric, out var value) && double.IsFinite(value), $"{metric} missing or not finite in\n{qc}");
        Assert.True(summary["f1"] > 0, qc.ToString());
        Assert.Equal(2, qc.Json()["qc"]!["images"]!.AsArray().Count);
        var table = await Dl4mic("qc", "--model", modelId, "--source", qcSource, "--target", qcTarget);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains(table.Stdout.Split('\n'), l => l.Split('│', StringSplitOptions.TrimEntries).Contains("panoptic_quality"));

        // The bioimage.io package: probability and 16 distances at the input's size; post-processing documented.
        var zip = Path.Combine(_folders.Root, "stardist.zip");
        var exported = await Dl4mic("models", "export", modelId, "--format", "bioimageio", "--output", zip);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        using (var archive = System.IO.Compression.ZipFile.OpenRead(zip))
        {
            string Text(string name) => new StreamReader(archive.GetEntry(name)!.Open()).ReadToEnd();
            var rdf = Text("rdf.yaml");
            Assert.Contains("\"prob_dist_16\"", rdf);
            Assert.DoesNotContain("\"prob_dist_17\"", rdf);
            Assert.Contains("non_maximum_suppression", Text("README.md"));
            Assert.Contains(archive.Entries, e => e.FullName == "weights.onnx");
        }

        // Transfer learning: the architecture comes from the base model, and the new model records it.
        var childId = await Train(datasetId, "nuclei-stardist-transfer", ["--base-model", modelId], "epochs=1", "steps_per_epoch=5");
        var child = await Dl4mic("models", "show", childId, "--json");
        Assert.True(child.ExitCode == 0, child.ToString());
        Assert.Equal(modelId, (string)child.Json()["base_model_id"]!);
        Assert.Contains(child.Json()["parameters"]!.AsArray(), p => (string)p!["name"]! == "unet_base_filters" && (string)p["value"]! == "8");
        var childHuman = await Dl4mic("models", "show", childId);
        Assert.Contains("base model", childHuman.Stdout);
        var transferred = await Dl4mic("predict", "--model", childId, "--input", Path.Combine(heldOut, "crop_384_384.tif"), "--output", Path.Combine(_folders.Root, "child"));
        Assert.True(transferred.ExitCode == 0, transferred.ToString());
        Assert.True(File.Exists(Path.Combine(_folders.Root, "child", "crop_384_384_objects.csv")), transferred.ToString());

        Console.WriteLine($"StarDist CLI end to end: training {trainTime.TotalSeconds:F0} s, all {clock.Elapsed.TotalSeconds:F0} s; " +
                          $"{found.Sum()} of {truth} nuclei in the held-out crop, {string.Join("/", perFrame)} per frame; f1@0.5 {summary["f1"]:F2}");
    }

    private async Task<string> Train(string datasetId, string name, string[] options, params string[] overrides)
    {
        var parameters = Tiny.Where(p => !overrides.Any(o => o.Split('=')[0] == p.Split('=')[0])).Concat(overrides);
        var trained = await Dl4mic(["train", "--network", "stardist-2d", "--dataset", datasetId, "--name", name, .. options,
            "--param", .. parameters, "--wait", "--json"]);
        Assert.True(trained.ExitCode == 0, trained.ToString());
        Assert.Equal("JOB_STATE_SUCCEEDED", (string)trained.Json()["job"]!["state"]!);
        return (string)trained.Json()["job"]!["model_id"]!;
    }

    /// <summary>
    /// The label image is uint16 with the input's size and axes; the objects table has one row per label of each frame
    /// (and its rows are those labels). Returns the number of objects per frame.
    /// </summary>
    private static int[] AssertLabelsAndObjects(string output, string stem, int frameCount, string expectedAxes)
    {
        var labels = TiffImages.Read(Path.Combine(output, $"{stem}_labels.tif"));
        Assert.Equal(PixelType.UInt16, labels.PixelType);
        Assert.Equal(expectedAxes, labels.Axes);
        Assert.Equal(frameCount, labels.PlaneCount);
        Assert.Equal((Crop, Crop), (labels.Height, labels.Width));

        var lines = File.ReadAllLines(Path.Combine(output, $"{stem}_objects.csv"));
        Assert.Equal("frame,label,centroid_y,centroid_x,area,probability", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        var counts = new int[frameCount];
        for (int frame = 0; frame < frameCount; frame++)
        {
            var plane = labels.Plane(frame).ToArray();
            var inImage = plane.Where(v => v > 0).Select(v => (int)v).Distinct().Order().ToList();
            var inTable = rows.Where(r => r[0] == frame.ToString(CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(inImage, inTable.Select(r => int.Parse(r[1], CultureInfo.InvariantCulture)).Order());
            foreach (var row in inTable)
            {
                int label = int.Parse(row[1], CultureInfo.InvariantCulture);
                Assert.Equal(plane.Count(v => (int)v == label), int.Parse(row[4], CultureInfo.InvariantCulture));
                Assert.InRange(double.Parse(row[2], CultureInfo.InvariantCulture), 0, Crop);
                Assert.InRange(double.Parse(row[3], CultureInfo.InvariantCulture), 0, Crop);
                Assert.InRange(double.Parse(row[5], CultureInfo.InvariantCulture), 0, 1);
            }
            counts[frame] = inTable.Count;
        }
        Assert.Equal(rows.Count, counts.Sum());
        return counts;
    }

    /// <summary>Crops of the nuclei image (source) and of its instance labels (target, uint16) as TIFF folders.</summary>
    private (string Source, string Target) WriteCrops(string name, (int Y, int X)[] corners)
    {
        var source = _folders.Create(Path.Combine(name, "Training_source"));
        var target = _folders.Create(Path.Combine(name, "Training_target"));
        foreach (var (y, x) in corners)
        {
            var file = $"crop_{y}_{x}.tif";
            TiffImages.Write(Path.Combine(source, file), ImageData.Create2D(Crop, Crop, Cut(Image, y, x), Image.PixelType), Image.PixelType);
            TiffImages.Write(Path.Combine(target, file), ImageData.Create2D(Crop, Crop, Cut(Labels, y, x), PixelType.UInt16), PixelType.UInt16);
        }
        return (source, target);
    }

    private static float[] Cut(ImageData image, int y0, int x0)
    {
        var crop = new float[Crop * Crop];
        for (int y = 0; y < Crop; y++)
            Array.Copy(image.Pixels, (y0 + y) * image.Width + x0, crop, y * Crop, Crop);
        return crop;
    }

    private static int[] LabelsOf(string path) => LabelBoxes.ToIntegers(TiffImages.Read(path).Pixels);

    /// <summary>The first page's ImageDescription tag, read with LibTiff rather than our own reader.</summary>
    private static string ImageDescription(string path)
    {
        using var tiff = Tiff.Open(path, "r") ?? throw new InvalidDataException($"{path} is not a TIFF");
        return tiff.GetField(TiffTag.IMAGEDESCRIPTION)?[0].ToString() ?? "";
    }

    public void Dispose() => _folders.Dispose();
}
