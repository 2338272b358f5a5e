using System.Diagnostics;
using System.Globalization;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Devices;
using ZeroCostDL4Mic.Engine.Inference;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Imaging.Instances;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Bench;

/// <summary>
/// StarDist figures of issue 4. Run:
///   dotnet run -c Release --project bench/ZeroCostDL4Mic.Bench -- stardist [--steps 400] [--threads 2] [--filters 32] [--folds 1..4]
/// 1. NMS + label rendering on 1024×1024 with about 500 objects (one core);
/// 2. training time on the CPU with --threads torch threads (default 2);
/// 3. F1 at IoU 0.5 on a held-out quadrant of the shipped nuclei image next to Otsu + watershed (--folds 4: each
///    quadrant held out in turn, pooled as stardist's matching_dataset);
/// 4. with --dsb DIR (../shared/datasets/nuclei-dsb-train: images/ + labels/ of the same names, other microscopes and
///    sizes): every third image (4 of 12) is held out, the others join the training set; F1 at IoU 0.5 on the held-out
///    ones, pooled, next to Otsu + watershed on the same images.
/// </summary>
public static class StarDistBench
{
    public static void Run(string[] args)
    {
        int steps = Arg(args, "--steps", 400), threads = Arg(args, "--threads", 2), filters = Arg(args, "--filters", 32), repeats = Arg(args, "--repeats", 5);
        int folds = Math.Clamp(Arg(args, "--folds", 1), 1, 4);
        int dsbAt = Array.IndexOf(args, "--dsb");
        var dsb = dsbAt >= 0 && dsbAt + 1 < args.Length ? LabelledImages(args[dsbAt + 1]) : new();
        var dsbTraining = dsb.Where((_, i) => i % 3 != 2).ToList();
        var unseen = dsb.Where((_, i) => i % 3 == 2).ToList();
        var rows = new List<(string, string, string)>();
        PostProcessing(rows, repeats);
        var ours = new List<MatchingResult>();
        var classical = new List<MatchingResult>();
        for (int fold = 0; fold < folds; fold++) Training(rows, steps, threads, filters, Quadrants[3 - fold], ours, classical, dsbTraining, fold == 0 ? unseen : new());
        if (folds > 1)
        {
            var a = InstanceMatching.Dataset(ours);
            var b = InstanceMatching.Dataset(classical);
            rows.Add(($"F1@0.5 pooled over {folds} held-out quadrants, StarDist", $"{a.F1:F3}", $"tp {a.TruePositives} fp {a.FalsePositives} fn {a.FalseNegatives} of {a.NTrue} nuclei"));
            rows.Add(($"F1@0.5 pooled over {folds} held-out quadrants, Otsu + watershed", $"{b.F1:F3}", $"tp {b.TruePositives} fp {b.FalsePositives} fn {b.FalseNegatives} of {b.NTrue} nuclei"));
        }
        Console.WriteLine($"| {"StarDist benchmark",-58} | {"value",-12} | note");
        foreach (var (name, value, note) in rows) Console.WriteLine($"| {name,-58} | {value,-12} | {note}");
    }

    /// <summary>Candidates from "perfect" maps (EDT probability and exact distances of ~500 ellipses, grid 2, 32 rays).</summary>
    static void PostProcessing(List<(string, string, string)> rows, int repeats)
    {
        const int size = 1024, grid = 2, rays = 32;
        var random = new Random(7);
        var labels = new int[size * size];
        int label = 0;
        for (int cy = 24; cy < size - 16; cy += 45)
            for (int cx = 24; cx < size - 16; cx += 45)
            {
                double ry = 8 + 8 * random.NextDouble(), rx = 8 + 8 * random.NextDouble(), angle = Math.PI * random.NextDouble();
                int y0 = cy + random.Next(-4, 5), x0 = cx + random.Next(-4, 5);
                label++;
                for (int y = Math.Max(0, y0 - 20); y < Math.Min(size, y0 + 20); y++)
                    for (int x = Math.Max(0, x0 - 20); x < Math.Min(size, x0 + 20); x++)
                    {
                        double u = (y - y0) * Math.Cos(angle) + (x - x0) * Math.Sin(angle), v = -(y - y0) * Math.Sin(angle) + (x - x0) * Math.Cos(angle);
                        if (u * u / (ry * ry) + v * v / (rx * rx) <= 1) labels[y * size + x] = label;
                    }
            }
        int g = size / grid;
        var sub = new int[g * g];
        for (int i = 0; i < g; i++) for (int j = 0; j < g; j++) sub[i * g + j] = labels[i * grid * size + j * grid];
        var prob = ObjectProbability.Compute(sub, g, g);
        var dist = StarDistances.Compute(labels, size, size, rays, grid, grid);
        int candidates = prob.Count(p => p > 0.5f);
        var times = new List<double>();
        InstanceSegmentation? result = null;
        for (int r = 0; r < repeats + 1; r++)
        {
            var clock = Stopwatch.StartNew();
            result = StarDetection.Detect(prob, dist, g, g, rays, grid, grid, size, size, 0.5, 0.4);
            if (r > 0) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        var matching = InstanceMatching.Match(labels, result!.Labels, 0.5);
        rows.Add(($"NMS + rendering, {size}x{size}, {label} objects, {rays} rays, grid {grid}", $"{times[times.Count / 2]:F0} ms",
            $"median of {repeats}, one thread; {candidates} candidates (prob > 0.5) → {result.Objects.Count} objects, F1@0.5 vs truth {matching.F1:F3}"));
        IntersectionSpeed(rows, rays);
    }

    /// <summary>
    /// Why NMS has its own polygon intersection: the same overlapping 32-ray integer polygons (as NMS meets them)
    /// through it and through NetTopologySuite's overlay, the library the tests check it against.
    /// </summary>
    static void IntersectionSpeed(List<(string, string, string)> rows, int rays)
    {
        const int pairs = 20000;
        var random = new Random(3);
        var polygons = new (double[] Xs, double[] Ys)[2 * pairs];
        for (int i = 0; i < polygons.Length; i++)
        {
            int cy = 50 + (i % 2) * random.Next(-12, 13), cx = 50 + (i % 2) * random.Next(-12, 13);
            double radius = 6 + 10 * random.NextDouble();
            var xs = new double[rays];
            var ys = new double[rays];
            for (int k = 0; k < rays; k++)
            {
                double d = radius * (0.7 + 0.6 * random.NextDouble());
                xs[k] = Math.Truncate(cx + d * Math.Cos(2 * Math.PI * k / rays));
                ys[k] = Math.Truncate(cy + d * Math.Sin(2 * Math.PI * k / rays));
            }
            polygons[i] = (xs, ys);
        }
        var factory = new NetTopologySuite.Geometries.GeometryFactory();
        var geometries = polygons.Select(p => (NetTopologySuite.Geometries.Geometry)factory.CreatePolygon(
            p.Xs.Select((x, k) => new NetTopologySuite.Geometries.Coordinate(x, p.Ys[k])).Append(new(p.Xs[0], p.Ys[0])).ToArray())).ToArray();
        double ours = 0, reference = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < pairs; i++) ours += StarPolygons.IntersectionArea(polygons[2 * i].Xs, polygons[2 * i].Ys, polygons[2 * i + 1].Xs, polygons[2 * i + 1].Ys);
        double oursUs = clock.Elapsed.TotalMilliseconds * 1000 / pairs;
        clock.Restart();
        for (int i = 0; i < pairs; i++)
        {
            var (a, b) = (geometries[2 * i], geometries[2 * i + 1]);
            reference += a.IsValid && b.IsValid ? a.Intersection(b).Area : 0;
        }
        double referenceUs = clock.Elapsed.TotalMilliseconds * 1000 / pairs;
        rows.Add(($"polygon intersection area, {rays}-ray integer polygons", $"{oursUs:F1} µs",
            $"NetTopologySuite overlay {referenceUs:F1} µs ({referenceUs / oursUs:F0}x slower); {pairs} pairs, total areas {ours:F0} vs {reference:F0}"));
    }

    static readonly (int Y, int X)[] Quadrants = { (0, 0), (0, 256), (256, 0), (256, 256) };

    /// <summary>Trains on three quadrants of img2d_512 (cut into 128² pieces) and evaluates on the held-out one.</summary>
    static void Training(List<(string, string, string)> rows, int steps, int threads, int filters, (int Y, int X) heldOutQuadrant,
        List<MatchingResult> ours, List<MatchingResult> classical, List<TrainingSample> extraTraining, List<TrainingSample> unseen)
    {
        set_num_threads(threads);
        var data = FindNuclei();
        var image = TiffImages.Read(Path.Combine(data, "img2d_512.tif"));
        var mask = TiffImages.Read(Path.Combine(data, "mask2d_512.tif"));
        var samples = new List<TrainingSample>();
        foreach (var (qy, qx) in Quadrants.Where(q => q != heldOutQuadrant))
            for (int y = 0; y < 256; y += 128)
                for (int x = 0; x < 256; x += 128)
                    samples.Add(new TrainingSample($"q{qy}_{qx}_{y}_{x}", Crop(image, qy + y, qx + x, 128, 128), Crop(mask, qy + y, qx + x, 128, 128)));
        samples.AddRange(extraTraining);
        var network = new NetworkRegistry().Definition("stardist-2d");
        var p = network.ResolveParameters(new Dictionary<string, string>
        {
            ["unet_base_filters"] = filters.ToString(CultureInfo.InvariantCulture), ["patch_size"] = "128", ["batch_size"] = "4", ["learning_rate"] = "1e-3",
        });
        var plan = network.PrepareTraining(p, samples, Console.Error.WriteLine);
        manual_seed(1);
        var weights = Path.Combine(Path.GetTempPath(), $"stardist-bench-{Guid.NewGuid():N}.dat");
        var clock = Stopwatch.StartNew();
        using (var module = network.Build(p))
        {
            using var optimizer = optim.Adam(module.parameters(), p.Float("learning_rate"), eps: 1e-7);
            var random = new Random(2);
            module.train();
            for (int step = 0; step < steps; step++)
            {
                // As the trainer does: TorchSharp 0.107 can lose a temporary scalar to the garbage collector.
                var loss = TorchScalarRace.Run(() =>
                {
                    using var scope = NewDisposeScope();
                    var (input, target) = plan.TrainingBatch(4, random);
                    var loss = plan.Loss(module.forward(input), target);
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    return loss.item<float>();
                }, Console.Error.WriteLine);
                if ((step + 1) % 50 == 0) Console.Error.WriteLine($"step {step + 1}: loss {loss:F4}, {clock.Elapsed.TotalSeconds:F0} s");
            }
            module.save(weights);
        }
        var trainTime = clock.Elapsed;
        var config = new ModelConfig(ModelConfig.CurrentVersion, network.Key, new(p.Values), new(plan.State));
        clock.Restart();
        using (var loaded = new LoadedModel(network, config, weights, CPU))
            foreach (var (k, v) in network.AfterTraining(loaded, samples, 256, Console.Error.WriteLine, CancellationToken.None)) config.State[k] = v;
        var optimiseTime = clock.Elapsed;
        using var model = new LoadedModel(network, config, weights, CPU);
        File.Delete(weights);
        var heldOut = Crop(image, heldOutQuadrant.Y, heldOutQuadrant.X, 256, 256);
        var truth = LabelBoxes.ToIntegers(Crop(mask, heldOutQuadrant.Y, heldOutQuadrant.X, 256, 256).Pixels);
        var predicted = LabelBoxes.ToIntegers(model.Predict(heldOut, 256, 0, 0, null, CancellationToken.None).Single(o => o.Kind == OutputKind.Labels).Image.Pixels);
        var f1 = InstanceMatching.Match(truth, predicted, 0.5);
        var baseline = InstanceMatching.Match(truth, OtsuWatershed.Segment(heldOut.Pixels, 256, 256), 0.5);
        rows.Add(($"StarDist training, {steps} steps of 4×128², {filters} base filters", $"{trainTime.TotalSeconds:F0} s",
            $"{threads} torch threads; {trainTime.TotalMilliseconds / steps:F0} ms/step; threshold optimisation {optimiseTime.TotalSeconds:F1} s → prob {config.State["prob_threshold"]}, nms {config.State["nms_threshold"]}"));
        ours.Add(f1);
        classical.Add(baseline);
        string q = $"quadrant ({heldOutQuadrant.Y},{heldOutQuadrant.X})";
        rows.Add(($"F1@0.5 held-out {q}, StarDist", $"{f1.F1:F3}", $"tp {f1.TruePositives} fp {f1.FalsePositives} fn {f1.FalseNegatives}; mean matched IoU {f1.MeanMatchedScore:F3}"));
        rows.Add(($"F1@0.5 held-out {q}, Otsu + watershed", $"{baseline.F1:F3}", $"tp {baseline.TruePositives} fp {baseline.FalsePositives} fn {baseline.FalseNegatives}; mean matched IoU {baseline.MeanMatchedScore:F3}"));
        if (unseen.Count == 0) return;
        var onUnseen = new List<MatchingResult>();
        var baselineOnUnseen = new List<MatchingResult>();
        foreach (var sample in unseen)
        {
            var (name, unseenImage) = (sample.Name, sample.Source);
            var unseenTruth = LabelBoxes.ToIntegers(sample.Target!.Pixels);
            var labels = model.Predict(unseenImage, 256, 0, 0, null, CancellationToken.None).Single(o => o.Kind == OutputKind.Labels).Image.Pixels;
            onUnseen.Add(InstanceMatching.Match(unseenTruth, LabelBoxes.ToIntegers(labels), 0.5));
            baselineOnUnseen.Add(InstanceMatching.Match(unseenTruth, OtsuWatershed.Segment(unseenImage.Pixels, unseenImage.Height, unseenImage.Width), 0.5));
            Console.Error.WriteLine($"{name}: F1@0.5 StarDist {onUnseen[^1].F1:F3}, Otsu + watershed {baselineOnUnseen[^1].F1:F3} ({onUnseen[^1].NTrue} nuclei)");
        }
        var a = InstanceMatching.Dataset(onUnseen);
        var b = InstanceMatching.Dataset(baselineOnUnseen);
        int wins = onUnseen.Zip(baselineOnUnseen).Count(p => p.First.F1 > p.Second.F1);
        rows.Add(($"F1@0.5 pooled over {unseen.Count} held-out DSB images, StarDist", $"{a.F1:F3}", $"tp {a.TruePositives} fp {a.FalsePositives} fn {a.FalseNegatives} of {a.NTrue} nuclei; better on {wins} of {unseen.Count} images"));
        rows.Add(($"F1@0.5 pooled over {unseen.Count} held-out DSB images, Otsu + watershed", $"{b.F1:F3}", $"tp {b.TruePositives} fp {b.FalsePositives} fn {b.FalseNegatives} of {b.NTrue} nuclei"));
    }

    /// <summary>Images of DIR/images (PNG or TIFF, colour turned to luminance) with the label TIFFs of DIR/labels of the same base names.</summary>
    static List<TrainingSample> LabelledImages(string folder)
    {
        var result = new List<TrainingSample>();
        foreach (var path in Directory.GetFiles(Path.Combine(folder, "images")).Where(ImageFiles.IsImageFile).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            var labelPath = Directory.GetFiles(Path.Combine(folder, "labels"), name + ".*").FirstOrDefault(ImageFiles.IsImageFile)
                ?? throw new FileNotFoundException($"no label image for {name} in {folder}/labels");
            result.Add(new TrainingSample(name, ImageFiles.Read(path), ImageFiles.Read(labelPath)));
        }
        return result;
    }

    static ImageData Crop(ImageData image, int y, int x, int h, int w) =>
        ImageData.Create2D(h, w, ReflectPadding.Crop(image.Pixels, image.Height, image.Width, y, x, h, w), image.PixelType);

    static string FindNuclei()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "ZeroCostDL4Mic.Engine.Tests", "TestData", "nuclei");
            if (File.Exists(Path.Combine(candidate, "img2d_512.tif"))) return candidate;
        }
        throw new FileNotFoundException("tests/ZeroCostDL4Mic.Engine.Tests/TestData/nuclei/img2d_512.tif not found above " + AppContext.BaseDirectory);
    }

    static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
