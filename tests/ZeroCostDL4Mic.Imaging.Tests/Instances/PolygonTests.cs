using System.Diagnostics;
using ZeroCostDL4Mic.Imaging.Instances;

namespace ZeroCostDL4Mic.Imaging.Tests.Instances;

/// <summary>Polygon geometry, NMS (spec N1/N2) and rendering against stardist's polygons_to_label.</summary>
public class PolygonTests
{
    static float[] Repeat(float v, int n) => Enumerable.Repeat(v, n).ToArray();

    [Fact]
    public void Intersection_area_is_exact_for_overlapping_and_touching_polygons()
    {
        double[] sx = { 0, 4, 4, 0 }, sy = { 0, 0, 4, 4 };
        Assert.Equal(16, StarPolygons.Area(sx, sy), 9);
        Assert.Equal(6, StarPolygons.IntersectionArea(sx, sy, new double[] { 2, 6, 6, 2 }, new double[] { 1, 1, 4, 4 }), 5);
        Assert.Equal(16, StarPolygons.IntersectionArea(sx, sy, sx, sy), 5); // identical: coincident edges
        Assert.Equal(0, StarPolygons.IntersectionArea(sx, sy, new double[] { 4, 8, 8, 4 }, new double[] { 0, 0, 4, 4 }), 5); // shared edge only
        Assert.Equal(4, StarPolygons.IntersectionArea(sx, sy, new double[] { 1, 3, 3, 1 }, new double[] { 1, 1, 3, 3 }), 5); // contained
        // A non-convex (star) polygon against a square: an L-shape cut by a square.
        double[] lx = { 0, 6, 6, 2, 2, 0 }, ly = { 0, 0, 2, 2, 6, 6 };
        Assert.Equal(5, StarPolygons.IntersectionArea(lx, ly, new double[] { 1, 4, 4, 1 }, new double[] { 1, 1, 4, 4 }), 5);
        // N1: diamonds of radius 4 two pixels apart share 18 of their 32 pixels².
        double[] ax = { 14, 10, 6, 10 }, ay = { 10, 14, 10, 6 };
        double[] bx = { 16, 12, 8, 12 }, by = { 10, 14, 10, 6 };
        Assert.Equal(32, StarPolygons.Area(ax, ay), 9);
        Assert.Equal(18, StarPolygons.IntersectionArea(ax, ay, bx, by), 5);
    }

    [Fact]
    public void Nms_keeps_the_spec_example_and_renders_labels_by_probability()
    {
        int[] py = { 10, 10, 10 }, px = { 10, 12, 20 };
        var dist = Repeat(4, 12);
        Assert.Equal(new[] { 0, 2 }, PolygonNms.Suppress(py, px, dist, 4, 0.4));
        Assert.Equal(new[] { 0, 1, 2 }, PolygonNms.Suppress(py, px, dist, 4, 0.6));
        var result = StarDetection.Render(new[] { (10, 10, .9f, Repeat(4, 4)), (10, 12, .8f, Repeat(4, 4)), (10, 20, .7f, Repeat(4, 4)) }, 16, 26);
        Assert.Equal(41, result.Labels.Count(v => v == 1));
        Assert.Equal(16, result.Labels.Count(v => v == 2));
        Assert.Equal(40, result.Labels.Count(v => v == 3));
        Assert.Equal(2, result.Labels[10 * 26 + 16]); // a shared vertex of P1 and P2: P2 is drawn last of the two
        Assert.Equal(new[] { 41, 16, 40 }, result.Objects.Select(o => o.Area));
        Assert.Equal(10, result.Objects[0].CentroidY, 6);
        Assert.Equal(.9f, result.Objects[0].Probability);

        // N2: an octagon of radius 1.5 fills exactly the 3x3 block around its centre.
        var n2 = StarDetection.Render(new[] { (2, 2, 1f, Repeat(1.5f, 8)) }, 5, 5).Labels;
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++)
                Assert.Equal(y is >= 1 and < 4 && x is >= 1 and < 4 ? 1 : 0, n2[y * 5 + x]);
    }

    [Fact]
    public void Rendering_matches_the_original_polygons_to_label()
    {
        var c = StarDistReference.Case("polygons");
        var points = c.GetProperty("points").EnumerateArray().Select(p => (p[0].GetInt32(), p[1].GetInt32())).ToArray();
        var dist = c.Floats("distances");
        var prob = c.Floats("probabilities");
        int rays = dist.Length / points.Length;
        // polygons_to_label labels polygon n as n+1 in the given order and draws by ascending probability.
        var shapes = points.Select((p, n) => StarPolygons.Vertices(p.Item1, p.Item2, dist.AsSpan(n * rays, rays))).ToList();
        Assert.Equal(c.Ints("labels"), PolygonRendering.Render(shapes, prob, c.Int("height"), c.Int("width")));
    }

    [Fact]
    public void Detection_finds_separate_objects_once_and_suppresses_their_other_candidates()
    {
        // Two discs as a network would predict them: a probability bump and exact distances at every cell.
        int h = 64, w = 64;
        var truth = new int[h * w];
        foreach (var (cy, cx, r, label) in new[] { (20, 20, 9, 1), (40, 44, 12, 2) })
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    if ((y - cy) * (y - cy) + (x - cx) * (x - cx) <= r * r) truth[y * w + x] = label;
        var prob = ObjectProbability.Compute(truth, h, w);
        var dist = StarDistances.Compute(truth, h, w, 32);
        var result = StarDetection.Detect(prob, dist, h, w, 32, 1, 1, h, w, 0.5, 0.4);
        Assert.Equal(2, result.Objects.Count);
        var matching = InstanceMatching.Match(truth, result.Labels, 0.5);
        Assert.Equal(2, matching.TruePositives);
        Assert.True(matching.MeanMatchedScore > 0.9, $"mean matched IoU {matching.MeanMatchedScore}");
    }

    [Fact]
    public void Nms_of_many_overlapping_candidates_is_fast()
    {
        // ~500 objects on 1024x1024 with ~20 candidates each (as a grid-2 probability map above threshold gives).
        var random = new Random(1);
        var py = new List<int>();
        var px = new List<int>();
        var dist = new List<float>();
        for (int o = 0; o < 500; o++)
        {
            int cy = 20 + (o / 23) * 44 + random.Next(5), cx = 20 + (o % 23) * 44 + random.Next(5);
            var radii = Enumerable.Range(0, 32).Select(_ => (float)(10 + 4 * random.NextDouble())).ToArray();
            for (int c = 0; c < 20; c++)
            {
                py.Add(cy + 2 * random.Next(-2, 3));
                px.Add(cx + 2 * random.Next(-2, 3));
                dist.AddRange(radii.Select(r => r * (float)(0.9 + 0.2 * random.NextDouble())));
            }
        }
        var clock = Stopwatch.StartNew();
        var kept = PolygonNms.Suppress(py.ToArray(), px.ToArray(), dist.ToArray(), 32, 0.4);
        clock.Stop();
        Assert.InRange(kept.Length, 500, 700);
        Assert.True(clock.ElapsedMilliseconds < 3000, $"NMS of {py.Count} candidates took {clock.ElapsedMilliseconds} ms");
    }
}
