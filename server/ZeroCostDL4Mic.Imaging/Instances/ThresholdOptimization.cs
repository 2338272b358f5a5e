namespace ZeroCostDL4Mic.Imaging.Instances;

/// <summary>Grid-resolution network maps of one validation image with its true labels.</summary>
public sealed record StarMaps(float[] Probability, float[] Distances, int GridHeight, int GridWidth, int Height, int Width, int[] TrueLabels);

/// <summary>
/// stardist's optimize_thresholds: for each NMS threshold in (0.3, 0.4, 0.5), a golden-section search of the
/// probability threshold within [M/2, M] (M = the largest probability) maximising the dataset accuracy averaged
/// over IoU 0.3, 0.5 and 0.7; the best pair wins (ties keep the earlier NMS threshold).
/// </summary>
public static class ThresholdOptimization
{
    public static readonly double[] NmsThresholds = { 0.3, 0.4, 0.5 };
    public static readonly double[] IouThresholds = { 0.3, 0.5, 0.7 };

    public sealed record Result(double ProbThreshold, double NmsThreshold, double Score, int Evaluations);

    public static Result Optimize(IReadOnlyList<StarMaps> images, int rays, int grid, Action<string>? log = null, CancellationToken cancellation = default)
    {
        if (images.Count == 0) throw new ArgumentException("no validation images to optimise the thresholds on");
        float max = images.Max(i => i.Probability.Length == 0 ? 0 : i.Probability.Max());
        double lo = max / 2.0, hi = max;
        Result? best = null;
        int evaluations = 0;
        foreach (double nms in NmsThresholds)
        {
            var cache = new Dictionary<double, double>();
            double Objective(double prob)
            {
                cancellation.ThrowIfCancellationRequested();
                prob = Math.Clamp(prob, lo, hi);
                if (cache.TryGetValue(prob, out var v)) return v;
                evaluations++;
                var perThreshold = IouThresholds.Select(_ => new List<MatchingResult>()).ToArray();
                foreach (var image in images)
                {
                    var predicted = StarDetection.Detect(image.Probability, image.Distances, image.GridHeight, image.GridWidth, rays, grid, grid,
                        image.Height, image.Width, prob, nms);
                    var results = InstanceMatching.Match(image.TrueLabels, predicted.Labels, IouThresholds);
                    for (int t = 0; t < results.Count; t++) perThreshold[t].Add(results[t]);
                }
                v = -perThreshold.Average(r => InstanceMatching.Dataset(r).Accuracy);
                cache[prob] = v;
                return v;
            }
            var (x, fx) = GoldenSection(Objective, lo, hi, 1e-2, 20);
            log?.Invoke($"thresholds: nms {nms:0.0}, prob {x:0.###} → mean accuracy {-fx:0.####}");
            if (best is null || -fx > best.Score) best = new Result(x, nms, -fx, 0);
        }
        return best! with { Evaluations = evaluations };
    }

    /// <summary>Golden-section minimisation on [a, b] (scipy's golden: gR = 0.618…, stop at |x3 − x0| ≤ tol·(|x1| + |x2|)).</summary>
    static (double X, double F) GoldenSection(Func<double, double> f, double a, double b, double tol, int maxIterations)
    {
        const double gr = 0.61803399, gc = 1 - gr;
        double x0 = a, x3 = b;
        double x1 = x0 + gc * (x3 - x0), x2 = x0 + gr * (x3 - x0);
        double f1 = f(x1), f2 = f(x2);
        for (int it = 0; it < maxIterations && Math.Abs(x3 - x0) > tol * (Math.Abs(x1) + Math.Abs(x2)); it++)
        {
            if (f2 < f1) { x0 = x1; x1 = x2; x2 = gr * x1 + gc * x3; f1 = f2; f2 = f(x2); }
            else { x3 = x2; x2 = x1; x1 = gr * x2 + gc * x0; f2 = f1; f1 = f(x1); }
        }
        return f1 < f2 ? (x1, f1) : (x2, f2);
    }
}
