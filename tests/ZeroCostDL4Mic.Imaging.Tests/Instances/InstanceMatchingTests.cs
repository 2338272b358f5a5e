using ZeroCostDL4Mic.Imaging.Instances;

namespace ZeroCostDL4Mic.Imaging.Tests.Instances;

/// <summary>stardist's matching: the spec table M1..M6 and a real crop against the original's numbers.</summary>
public class InstanceMatchingTests
{
    static void Expect(MatchingResult r, int tp, int fp, int fn, double precision, double recall, double accuracy, double f1,
        double meanTrue, double meanMatched, double pq)
    {
        Assert.Equal((tp, fp, fn), (r.TruePositives, r.FalsePositives, r.FalseNegatives));
        Assert.Equal(precision, r.Precision, 4);
        Assert.Equal(recall, r.Recall, 4);
        Assert.Equal(accuracy, r.Accuracy, 4);
        Assert.Equal(f1, r.F1, 4);
        Assert.Equal(meanTrue, r.MeanTrueScore, 4);
        Assert.Equal(meanMatched, r.MeanMatchedScore, 4);
        Assert.Equal(pq, r.PanopticQuality, 4);
    }

    [Fact]
    public void Matches_the_spec_table()
    {
        // M1: the same square under another id.
        var t1 = new int[16];
        var p1 = new int[16];
        foreach (int i in new[] { 5, 6, 9, 10 }) { t1[i] = 1; p1[i] = 3; }
        Expect(InstanceMatching.Match(t1, p1), 1, 0, 0, 1, 1, 1, 1, 1, 1, 1);
        // M2: a 10x10 square shifted by 5 rows (IoU 1/3).
        var t2 = new int[100 * 100];
        var p2 = new int[100 * 100];
        for (int y = 10; y < 20; y++) for (int x = 10; x < 20; x++) { t2[y * 100 + x] = 1; p2[(y + 5) * 100 + x] = 1; }
        Expect(InstanceMatching.Match(t2, p2, 0.5), 0, 1, 1, 0, 0, 0, 0, 0, 0, 0);
        Expect(InstanceMatching.Match(t2, p2, 0.3), 1, 0, 0, 1, 1, 1, 1, 1 / 3.0, 1 / 3.0, 1 / 3.0);
        // M3.
        int[] t3 = { 1, 1, 1, 1, 2, 2, 0, 0 }, p3 = { 5, 5, 5, 5, 5, 5, 0, 7 };
        var m3 = InstanceMatching.Match(t3, p3, 0.5);
        Expect(m3, 1, 1, 1, .5, .5, 1 / 3.0, .5, 1 / 3.0, 2 / 3.0, 1 / 3.0);
        // M4: the optimal assignment (1↔4, 2↔3) beats greedy at τ = 0.15.
        int[] t4 = { 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2 }, p4 = { 4, 4, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0 };
        Expect(InstanceMatching.Match(t4, p4, 0.15), 2, 0, 0, 1, 1, 1, 1, .2667, .2667, .2667);
        Expect(InstanceMatching.Match(t4, p4, 0.4), 1, 1, 1, .5, .5, 1 / 3.0, .5, .25, .5, .25);
        Expect(InstanceMatching.Match(t4, p4, 0.5), 1, 1, 1, .5, .5, 1 / 3.0, .5, .25, .5, .25);
        // M5: nothing predicted; M5': both empty give 0 everywhere.
        Expect(InstanceMatching.Match(new[] { 1, 1, 0, 2 }, new int[4], 0.5), 0, 0, 2, 0, 0, 0, 0, 0, 0, 0);
        Expect(InstanceMatching.Match(new int[4], new int[4], 0.5), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        // M6: the dataset sums counts and matched scores, then recomputes the ratios.
        var identical = InstanceMatching.Match(new[] { 0, 0, 1, 1, 1, 0, 0, 0 }, new[] { 0, 0, 1, 1, 1, 0, 0, 0 }, 0.5);
        Expect(InstanceMatching.Dataset(new[] { m3, identical }), 2, 1, 1, .6667, .6667, .5, .6667, .5556, .8333, .5556);
    }

    [Fact]
    public void Matches_the_original_on_a_real_crop_at_every_threshold()
    {
        var c = StarDistReference.Case("nuclei");
        var results = InstanceMatching.Match(c.Ints("labels"), c.Ints("prediction"), InstanceMatching.StandardThresholds);
        var expected = c.GetProperty("matching").EnumerateArray().ToList();
        Assert.Equal(9, results.Count);
        for (int i = 0; i < 9; i++)
        {
            var e = expected[i];
            var r = results[i];
            Assert.Equal(e.GetProperty("thresh").GetDouble(), r.Threshold, 9);
            Assert.Equal((e.Int("tp"), e.Int("fp"), e.Int("fn"), e.Int("n_true"), e.Int("n_pred")),
                (r.TruePositives, r.FalsePositives, r.FalseNegatives, r.NTrue, r.NPred));
            foreach (var (name, value) in new[] { ("precision", r.Precision), ("recall", r.Recall), ("accuracy", r.Accuracy), ("f1", r.F1),
                ("mean_true_score", r.MeanTrueScore), ("mean_matched_score", r.MeanMatchedScore), ("panoptic_quality", r.PanopticQuality) })
                Assert.True(Math.Abs(e.GetProperty(name).GetDouble() - value) < 1e-6, $"τ={r.Threshold} {name}: expected {e.GetProperty(name).GetDouble()}, got {value}");
        }
    }

    [Fact]
    public void Matching_a_thousand_objects_is_fast_and_exact()
    {
        // 1000 squares of 10x10; the prediction shifts each diagonally by one pixel (IoU 81/119 = 0.68) and drops every tenth.
        int side = 400, n = 0;
        var truth = new int[side * side];
        var prediction = new int[side * side];
        for (int y = 0; y + 12 <= side; y += 12)
            for (int x = 0; x + 12 <= side && n < 1000; x += 12)
            {
                n++;
                for (int dy = 0; dy < 10; dy++)
                    for (int dx = 0; dx < 10; dx++)
                    {
                        truth[(y + dy) * side + x + dx] = n;
                        if (n % 10 != 0) prediction[(y + dy + 1) * side + x + dx + 1] = n;
                    }
            }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var results = InstanceMatching.Match(truth, prediction, InstanceMatching.StandardThresholds);
        Assert.True(clock.ElapsedMilliseconds < 2000, $"{clock.ElapsedMilliseconds} ms");
        var atHalf = results[4];
        Assert.Equal((900, 0, 100), (atHalf.TruePositives, atHalf.FalsePositives, atHalf.FalseNegatives));
        Assert.Equal(81.0 / 119, atHalf.MeanMatchedScore, 5);
        Assert.Equal(0, results[6].TruePositives); // IoU 0.68 < 0.7
    }

    [Fact]
    public void Assignment_is_optimal_on_rectangular_matrices()
    {
        var cost = new double[,] { { 4, 1, 3 }, { 2, 0, 5 } };
        var pairs = LinearSumAssignment.Solve(cost);
        Assert.Equal(new[] { (0, 1), (1, 0) }, pairs);
        var tall = new double[,] { { 4, 2 }, { 1, 0 }, { 3, 5 } };
        Assert.Equal(new[] { (0, 1), (1, 0) }, LinearSumAssignment.Solve(tall).OrderBy(p => p.Col).Select(p => p).Reverse().ToArray().OrderBy(p => p.Row).ToArray());
        Assert.Equal(0.5, InstanceMatching.BinaryIou(new[] { 1, 1, 0, 0 }, new[] { 0, 3, 0, 0 }), 9);
    }
}
