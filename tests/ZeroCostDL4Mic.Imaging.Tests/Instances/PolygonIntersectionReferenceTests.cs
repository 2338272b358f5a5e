using NetTopologySuite.Geometries;
using ZeroCostDL4Mic.Imaging.Instances;

namespace ZeroCostDL4Mic.Imaging.Tests.Instances;

/// <summary>
/// StarDist NMS computes polygon overlaps with its own exact intersection (the original uses Clipper); NetTopologySuite's
/// overlay is the independent reference here, on the polygons NMS really meets: star-convex, 32 rays, vertices truncated
/// to integers (so with coincident vertices and collinear edges), near each other.
/// </summary>
public class PolygonIntersectionReferenceTests
{
    static readonly GeometryFactory Factory = new();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Intersection_area_matches_NetTopologySuite_on_star_polygons(bool integerVertices)
    {
        var random = new Random(integerVertices ? 11 : 12);
        int overlapping = 0;
        for (int pair = 0; pair < 2000; pair++)
        {
            var (ax, ay) = RandomStar(random, 50, 50, integerVertices);
            var (bx, by) = RandomStar(random, 50 + random.Next(-25, 26), 50 + random.Next(-25, 26), integerVertices);
            double expected = Polygon(ax, ay).Intersection(Polygon(bx, by)).Area;
            double actual = StarPolygons.IntersectionArea(ax, ay, bx, by);
            if (expected > 0) overlapping++;
            Assert.True(Math.Abs(actual - expected) < 1e-4 + 1e-9 * expected,
                $"pair {pair}: {actual} vs NetTopologySuite {expected}");
        }
        Assert.True(overlapping > 1000, $"only {overlapping} of 2000 pairs overlap");
    }

    /// <summary>A star polygon as NMS builds it: 32 rays of random length 3..20 around (cy, cx), counter-clockwise in (x, y).</summary>
    static (double[] Xs, double[] Ys) RandomStar(Random random, int cy, int cx, bool integerVertices)
    {
        const int rays = 32;
        var xs = new double[rays];
        var ys = new double[rays];
        double radius = 6 + 10 * random.NextDouble();
        for (int k = 0; k < rays; k++)
        {
            double d = Math.Max(1, radius * (0.6 + 0.8 * random.NextDouble()));
            double x = cx + d * Math.Cos(2 * Math.PI * k / rays), y = cy + d * Math.Sin(2 * Math.PI * k / rays);
            xs[k] = integerVertices ? Math.Truncate(x) : x;
            ys[k] = integerVertices ? Math.Truncate(y) : y;
        }
        return (xs, ys);
    }

    /// <summary>NetTopologySuite polygon; Buffer(0) repairs the self-touching rings that truncation can make.</summary>
    static Geometry Polygon(double[] xs, double[] ys)
    {
        var coordinates = xs.Select((x, i) => new Coordinate(x, ys[i])).Append(new Coordinate(xs[0], ys[0])).ToArray();
        Geometry polygon = Factory.CreatePolygon(coordinates);
        return polygon.IsValid ? polygon : polygon.Buffer(0);
    }
}
