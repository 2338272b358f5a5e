using System.Globalization;
using System.Text;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Inference;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Imaging.Instances;
using ZeroCostDL4Mic.Storage;

namespace ZeroCostDL4Mic.Engine.Quality;

/// <summary>
/// ZeroCostDL4Mic's section 5.2: predicts each QC source and compares it with the target. Image-to-image
/// networks get mSSIM, NRMSE (the original's sqrt of MAE), RMSE and PSNR for prediction and input after
/// norm_minmse, with SSIM and error maps as float TIFFs; segmentation gets the 0–255 threshold sweep.
/// </summary>
public sealed class QualityControl(int tileSize)
{
    public const string MetricsFile = "QC_metrics.csv";
    public const string IouPlotFile = "IoUvsThresholdPlot.png";
    public const string MatchingFile = "QC_matching.csv";

    /// <summary>The summary metrics of image-to-image QC (restoration networks list them in their NetworkInfo).</summary>
    public static readonly IReadOnlyList<string> ImageToImageMetrics =
        new[] { "prediction_ssim", "input_ssim", "prediction_psnr", "input_psnr", "prediction_nrmse", "input_nrmse" };

    public sealed record Outcome(QcReport Report, IReadOnlyDictionary<string, string> StateUpdates, IReadOnlyList<FileView> Files);

    public Outcome Run(LoadedModel model, IReadOnlyList<TrainingSample> pairs, ModelFolder folder, Action<string> log, CancellationToken cancellation)
    {
        var images = new List<QcImageResult>();
        var written = new List<FileView>();
        void Keep(string name, StoredFile file) => written.Add(new FileView(name, file.SizeBytes, file.Sha256));
        var sweeps = new List<double[]>();
        var matchingRows = new List<(string Image, IReadOnlyList<MatchingResult> Results)>();
        var thresholds = new List<int>();
        foreach (var pair in pairs)
        {
            cancellation.ThrowIfCancellationRequested();
            var target = pair.Target!;
            var prediction = model.Predict(pair.Source, tileSize, 0, 0, null, cancellation);
            for (int plane = 0; plane < pair.Source.PlaneCount; plane++)
            {
                string name = pair.Source.PlaneCount == 1 ? pair.Name : $"{pair.Name}[{plane}]";
                string stem = Path.GetFileNameWithoutExtension(pair.Name) + (pair.Source.PlaneCount == 1 ? "" : $"_{plane}");
                int h = pair.Source.Height, w = pair.Source.Width;
                var gt = target.Plane(plane).Span;
                if (model.Network.QcKind == QcKind.ImageToImage)
                {
                    var restored = prediction.First(o => o.Kind == OutputKind.Restored).Image.Plane(plane).Span;
                    var qc = ImageQuality.Evaluate(gt, pair.Source.Plane(plane).Span, restored, h, w);
                    images.Add(new QcImageResult(name, new[]
                    {
                        new QcMetricValue("prediction_ssim", qc.PredictionSsim), new QcMetricValue("input_ssim", qc.InputSsim),
                        new QcMetricValue("prediction_nrmse", qc.PredictionNrmse), new QcMetricValue("input_nrmse", qc.InputNrmse),
                        new QcMetricValue("prediction_rmse", qc.PredictionRmse), new QcMetricValue("input_rmse", qc.InputRmse),
                        new QcMetricValue("prediction_psnr", qc.PredictionPsnr), new QcMetricValue("input_psnr", qc.InputPsnr),
                    }));
                    foreach (var (file, map) in new[]
                    {
                        ($"SSIM_GTvsPrediction_{stem}.tif", qc.PredictionSsimMap), ($"SSIM_GTvsSource_{stem}.tif", qc.InputSsimMap),
                        ($"RSE_GTvsPrediction_{stem}.tif", qc.PredictionErrorMap), ($"RSE_GTvsSource_{stem}.tif", qc.InputErrorMap),
                    })
                        Keep(file, SaveMap(folder, file, map, h, w));
                }
                else if (model.Network.QcKind == QcKind.InstanceSegmentation)
                {
                    var predicted = LabelBoxes.ToIntegers(prediction.First(o => o.Kind == OutputKind.Labels).Image.Plane(plane).Span);
                    var truth = LabelBoxes.ToIntegers(gt);
                    var results = InstanceMatching.Match(truth, predicted, InstanceMatching.StandardThresholds);
                    matchingRows.Add((name, results));
                    images.Add(new QcImageResult(name, InstanceMetrics(results.First(r => Math.Abs(r.Threshold - 0.5) < 1e-9),
                        InstanceMatching.BinaryIou(truth, predicted), results)));
                    Keep($"QC_{stem}_labels.tif", folder.WriteWith($"QC_{stem}_labels.tif",
                        path => TiffImages.Write(path, prediction.First(o => o.Kind == OutputKind.Labels).Image.PlaneImage(plane), PixelType.UInt16)));
                }
                else
                {
                    var probability = prediction.First(o => o.Kind == OutputKind.Probability).Image.Plane(plane).Span;
                    var truth = new bool[gt.Length];
                    for (int i = 0; i < truth.Length; i++) truth[i] = gt[i] > 0;
                    var sweep = SegmentationQuality.IouSweep(SegmentationQuality.ToUByte(probability), truth);
                    var everything = new bool[truth.Length];
                    Array.Fill(everything, true);
                    images.Add(new QcImageResult(name, new[]
                    {
                        new QcMetricValue("iou", sweep.BestIou), new QcMetricValue("iou_threshold", sweep.BestThreshold),
                        new QcMetricValue("all_foreground_iou", SegmentationQuality.Iou(everything, truth)),
                    }));
                    sweeps.Add(sweep.IouByThreshold);
                    thresholds.Add(sweep.BestThreshold);
                }
                log($"QC {name}: " + string.Join(", ", images[^1].Metrics.Select(m => $"{m.Name} {m.Value:G4}")));
            }
        }

        var summary = images.SelectMany(i => i.Metrics).GroupBy(m => m.Name)
            .Select(g => new QcMetricValue(g.Key, g.Select(m => m.Value).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average())).ToList();
        var report = new QcReport(images, summary, DateTimeOffset.UtcNow);
        Keep(MetricsFile, folder.WriteText(MetricsFile, Csv(report)));
        if (matchingRows.Count > 0) Keep(MatchingFile, folder.WriteText(MatchingFile, MatchingCsv(matchingRows)));
        var state = new Dictionary<string, string>();
        if (sweeps.Count > 0)
        {
            var mean = Enumerable.Range(0, 256).Select(t => sweeps.Select(s => s[t]).Where(double.IsFinite).DefaultIfEmpty(0).Average()).ToList();
            Keep(IouPlotFile, folder.WriteWith(IouPlotFile, path => Plots.SaveIouVsThreshold(path, mean)));
            // The notebook suggests the average of the per-image IoU-optimal thresholds for prediction.
            state[Networks.UNet.UNetNetwork.ThresholdKey] = Math.Round(thresholds.Average()).ToString(CultureInfo.InvariantCulture);
        }
        if (folder.Exists(ModelFolder.LossPlotFile))
            written.Add(folder.ListFiles().Single(f => f.Name == ModelFolder.LossPlotFile));
        return new Outcome(report, state, written);
    }

    /// <summary>stardist's matching at IoU 0.5 with its names, the whole-image binary IoU, and F1/accuracy at every threshold.</summary>
    static IReadOnlyList<QcMetricValue> InstanceMetrics(MatchingResult r, double binaryIou, IReadOnlyList<MatchingResult> all)
    {
        var metrics = new List<QcMetricValue>
        {
            new("iou", binaryIou),
            new("tp", r.TruePositives), new("fp", r.FalsePositives), new("fn", r.FalseNegatives),
            new("precision", r.Precision), new("recall", r.Recall), new("accuracy", r.Accuracy), new("f1", r.F1),
            new("n_true", r.NTrue), new("n_pred", r.NPred),
            new("mean_true_score", r.MeanTrueScore), new("mean_matched_score", r.MeanMatchedScore), new("panoptic_quality", r.PanopticQuality),
        };
        foreach (var t in all)
            metrics.Add(new QcMetricValue(FormattableString.Invariant($"f1@{t.Threshold:0.0}"), t.F1));
        return metrics;
    }

    /// <summary>The notebook's full matching table: one row per image and IoU threshold.</summary>
    static string MatchingCsv(IReadOnlyList<(string Image, IReadOnlyList<MatchingResult> Results)> rows)
    {
        var csv = new StringBuilder("image,thresh,tp,fp,fn,precision,recall,accuracy,f1,n_true,n_pred,mean_true_score,mean_matched_score,panoptic_quality\n");
        foreach (var (image, results) in rows)
            foreach (var r in results)
                csv.Append(CultureInfo.InvariantCulture,
                    $"{image},{r.Threshold:0.0},{r.TruePositives},{r.FalsePositives},{r.FalseNegatives},{r.Precision:R},{r.Recall:R},{r.Accuracy:R},{r.F1:R},{r.NTrue},{r.NPred},{r.MeanTrueScore:R},{r.MeanMatchedScore:R},{r.PanopticQuality:R}\n");
        return csv.ToString();
    }

    static StoredFile SaveMap(ModelFolder folder, string name, float[] map, int h, int w) =>
        folder.WriteWith(name, path => TiffImages.Write(path, ImageData.Create2D(h, w, map), PixelType.Float32));

    static string Csv(QcReport report)
    {
        var names = report.Summary.Select(m => m.Name).ToList();
        var csv = new StringBuilder("image," + string.Join(",", names) + "\n");
        foreach (var image in report.Images)
            csv.Append(image.Image).Append(',').AppendJoin(',', names.Select(n => image.Metrics.FirstOrDefault(m => m.Name == n)?.Value.ToString("R", CultureInfo.InvariantCulture) ?? "")).Append('\n');
        csv.Append("mean,").AppendJoin(',', report.Summary.Select(m => m.Value.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        return csv.ToString();
    }
}
