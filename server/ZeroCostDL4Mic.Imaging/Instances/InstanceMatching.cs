namespace ZeroCostDL4Mic.Imaging.Instances;

/// <summary>The counts and scores of stardist's matching at one IoU threshold.</summary>
public sealed record MatchingResult(
    double Threshold, int TruePositives, int FalsePositives, int FalseNegatives,
    double Precision, double Recall, double Accuracy, double F1,
    int NTrue, int NPred, double MeanTrueScore, double MeanMatchedScore, double PanopticQuality, double SumMatchedScore)
{
    /// <summary>Ratios from summed counts, as matching_dataset(by_image=False) recomputes them; each 0 when its denominator is 0.</summary>
    public static MatchingResult FromCounts(double threshold, int tp, int fp, int fn, int nTrue, int nPred, double sumMatched)
    {
        static double Div(double a, double b) => b > 0 ? a / b : 0;
        return new MatchingResult(threshold, tp, fp, fn,
            Div(tp, tp + fp), Div(tp, tp + fn), Div(tp, tp + fp + fn), Div(2.0 * tp, 2.0 * tp + fp + fn),
            nTrue, nPred, Div(sumMatched, nTrue), Div(sumMatched, tp), Div(sumMatched, tp + fp / 2.0 + fn / 2.0), sumMatched);
    }
}

/// <summary>
/// stardist's matching (criterion 'iou'): objects of a ground-truth and a predicted label image are paired by
/// linear_sum_assignment on cost −[IoU ≥ τ] − IoU/(2·n_matched), which maximises the number of pairs at or above τ
/// and breaks ties by the IoU sum; tp counts assigned pairs with IoU ≥ τ.
/// </summary>
public static class InstanceMatching
{
    /// <summary>The IoU thresholds of the ZeroCostDL4Mic QC table: 0.1 .. 0.9.</summary>
    public static IReadOnlyList<double> StandardThresholds { get; } = Enumerable.Range(1, 9).Select(i => i / 10.0).ToArray();

    public static IReadOnlyList<MatchingResult> Match(ReadOnlySpan<int> truth, ReadOnlySpan<int> prediction, IReadOnlyList<double> thresholds)
    {
        var iou = IouMatrix(truth, prediction);
        int nTrue = iou.GetLength(0), nPred = iou.GetLength(1), nMatched = Math.Min(nTrue, nPred);
        var results = new List<MatchingResult>(thresholds.Count);
        foreach (double threshold in thresholds)
        {
            int tp = 0;
            double sum = 0;
            if (nMatched > 0)
            {
                // Pairs that do not overlap cost 0, so the assignment splits into the connected groups of overlapping
                // objects: solving each group on its own reaches the same optimum, in linear rather than cubic time.
                foreach (var (rows, cols) in OverlapGroups(iou))
                {
                    var cost = new double[rows.Count, cols.Count];
                    for (int a = 0; a < rows.Count; a++)
                        for (int b = 0; b < cols.Count; b++)
                        {
                            float v = iou[rows[a], cols[b]];
                            cost[a, b] = -(v >= threshold ? 1.0 : 0.0) - v / (2.0 * nMatched);
                        }
                    foreach (var (a, b) in LinearSumAssignment.Solve(cost))
                    {
                        float v = iou[rows[a], cols[b]];
                        if (v >= threshold) { tp++; sum += v; }
                    }
                }
            }
            results.Add(MatchingResult.FromCounts(threshold, tp, nPred - tp, nTrue - tp, nTrue, nPred, sum));
        }
        return results;
    }

    public static MatchingResult Match(ReadOnlySpan<int> truth, ReadOnlySpan<int> prediction, double threshold = 0.5) =>
        Match(truth, prediction, new[] { threshold })[0];

    /// <summary>matching_dataset with by_image=False: counts and matched-score sums added over images, ratios recomputed.</summary>
    public static MatchingResult Dataset(IEnumerable<MatchingResult> perImage)
    {
        var all = perImage.ToList();
        if (all.Count == 0) throw new ArgumentException("no images to summarise");
        return MatchingResult.FromCounts(all[0].Threshold, all.Sum(r => r.TruePositives), all.Sum(r => r.FalsePositives), all.Sum(r => r.FalseNegatives),
            all.Sum(r => r.NTrue), all.Sum(r => r.NPred), all.Sum(r => r.SumMatchedScore));
    }

    /// <summary>
    /// IoU of every (true, predicted) object pair after relabelling both to 1..n in increasing id order, in float32
    /// as the original (0 where the union is empty).
    /// </summary>
    public static float[,] IouMatrix(ReadOnlySpan<int> truth, ReadOnlySpan<int> prediction)
    {
        if (truth.Length != prediction.Length)
            throw new ArgumentException($"label images differ in size: {truth.Length} and {prediction.Length} pixels");
        var trueIds = Sequential(truth, out var trueIndex);
        var predIds = Sequential(prediction, out var predIndex);
        int nt = trueIds.Count, np = predIds.Count;
        var trueArea = new long[nt + 1];
        var predArea = new long[np + 1];
        var overlap = new Dictionary<long, long>();
        for (int p = 0; p < truth.Length; p++)
        {
            int t = truth[p] > 0 ? trueIndex[truth[p]] : 0, q = prediction[p] > 0 ? predIndex[prediction[p]] : 0;
            trueArea[t]++;
            predArea[q]++;
            if (t > 0 && q > 0)
            {
                long key = (long)t * (np + 1) + q;
                overlap[key] = overlap.GetValueOrDefault(key) + 1;
            }
        }
        var iou = new float[nt, np];
        foreach (var (key, count) in overlap)
        {
            int t = (int)(key / (np + 1)), q = (int)(key % (np + 1));
            long union = trueArea[t] + predArea[q] - count;
            iou[t - 1, q - 1] = union > 0 ? (float)((double)count / union) : 0f;
        }
        return iou;
    }

    /// <summary>Whole-image binary IoU of foreground (label &gt; 0) masks; NaN when both are empty.</summary>
    public static double BinaryIou(ReadOnlySpan<int> truth, ReadOnlySpan<int> prediction)
    {
        if (truth.Length != prediction.Length)
            throw new ArgumentException($"label images differ in size: {truth.Length} and {prediction.Length} pixels");
        long intersection = 0, union = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            bool a = truth[i] > 0, b = prediction[i] > 0;
            if (a && b) intersection++;
            if (a || b) union++;
        }
        return union == 0 ? double.NaN : (double)intersection / union;
    }

    /// <summary>Connected groups of true and predicted objects linked by a positive IoU (union-find).</summary>
    static List<(List<int> Rows, List<int> Cols)> OverlapGroups(float[,] iou)
    {
        int nt = iou.GetLength(0), np = iou.GetLength(1);
        var parent = Enumerable.Range(0, nt + np).ToArray();
        int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        for (int i = 0; i < nt; i++)
            for (int j = 0; j < np; j++)
                if (iou[i, j] > 0) parent[Find(i)] = Find(nt + j);
        var groups = new Dictionary<int, (List<int> Rows, List<int> Cols)>();
        for (int x = 0; x < nt + np; x++)
        {
            int root = Find(x);
            if (!groups.TryGetValue(root, out var g)) groups[root] = g = (new List<int>(), new List<int>());
            if (x < nt) g.Rows.Add(x); else g.Cols.Add(x - nt);
        }
        return groups.Values.Where(g => g.Rows.Count > 0 && g.Cols.Count > 0).ToList();
    }

    static List<int> Sequential(ReadOnlySpan<int> labels, out Dictionary<int, int> index)
    {
        var ids = new SortedSet<int>();
        foreach (int v in labels) if (v > 0) ids.Add(v);
        index = new Dictionary<int, int>(ids.Count);
        int next = 1;
        foreach (int id in ids) index[id] = next++;
        return ids.ToList();
    }
}
