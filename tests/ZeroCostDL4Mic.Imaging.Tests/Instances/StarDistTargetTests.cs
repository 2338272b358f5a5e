using ZeroCostDL4Mic.Imaging.Instances;

namespace ZeroCostDL4Mic.Imaging.Tests.Instances;

/// <summary>Training targets: star distances, EDT probability and hole filling against the original's numbers.</summary>
public class StarDistTargetTests
{
    static void Near(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"index {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void Star_distances_match_the_spec_examples()
    {
        // S1: a single pixel.
        Near(new[] { .5f, .7071068f, .5f, .7071068f, .5f, .7071068f, .5f, .7071068f }, StarDistances.Compute(new[] { 1 }, 1, 1, 8), 1e-6f);
        // S2: a 3x3 square in 5x5: centre and corner (1,1).
        var square = new int[25];
        for (int y = 1; y < 4; y++) for (int x = 1; x < 4; x++) square[y * 5 + x] = 1;
        var d = StarDistances.Compute(square, 5, 5, 8);
        Near(new[] { 1.5f, 2.7071068f, 1.5f, 2.7071068f, 1.5f, 2.7071068f, 1.5f, 2.7071068f }, d[(12 * 8)..(13 * 8)], 1e-5f);
        Near(new[] { 2.5f, 3.7071068f, 2.5f, .7071068f, .5f, .7071068f, .5f, .7071068f }, d[(6 * 8)..(7 * 8)], 1e-5f);
        Assert.All(d[..8], v => Assert.Equal(0f, v));
        // S3: an image that is all one label; the border stops rays.
        var full = StarDistances.Compute(Enumerable.Repeat(1, 9).ToArray(), 3, 3, 4);
        Near(new[] { 1.5f, 1.5f, 1.5f, 1.5f }, full[(4 * 4)..(5 * 4)], 1e-6f);
        Near(new[] { 2.5f, 2.5f, .5f, .5f }, full[..4], 1e-6f);
        // S4: touching labels stop each other.
        var row = StarDistances.Compute(new[] { 1, 1, 2, 2 }, 1, 4, 4);
        Near(new[] { 1.5f, .5f, .5f, .5f }, row[..4], 1e-6f);
        Near(new[] { 1.5f, .5f, .5f, .5f }, row[8..12], 1e-6f);
        // S5: grid 2 samples the top-left pixel of each cell, distances in full-resolution pixels.
        var big = new int[36];
        for (int y = 1; y < 5; y++) for (int x = 1; x < 5; x++) big[y * 6 + x] = 1;
        var g = StarDistances.Compute(big, 6, 6, 4, 2, 2);
        Assert.Equal(3 * 3 * 4, g.Length);
        Near(new[] { 0, 0, 0, 0, 2.5f, .5f, 0, 2.5f, .5f }, Enumerable.Range(0, 9).Select(c => g[c * 4]).ToArray(), 1e-6f);
        Near(new[] { 0, 0, 0, 0, 2.5f, 2.5f, 0, .5f, .5f }, Enumerable.Range(0, 9).Select(c => g[c * 4 + 1]).ToArray(), 1e-6f);
    }

    [Fact]
    public void Star_distances_match_the_original_on_irregular_and_real_labels()
    {
        var small = StarDistReference.Case("small");
        Near(small.Floats("star_dist_8"), StarDistances.Compute(small.Ints("labels"), small.Int("height"), small.Int("width"), 8), 2e-6f);
        var nuclei = StarDistReference.Case("nuclei");
        Near(nuclei.Floats("star_dist_32_grid2"), StarDistances.Compute(nuclei.Ints("labels"), nuclei.Int("height"), nuclei.Int("width"), 32, 2, 2), 2e-5f);
    }

    [Fact]
    public void Edt_probability_matches_the_spec_and_the_original()
    {
        // E1: ring 0.5, centre 1.
        var square = new int[25];
        for (int y = 1; y < 4; y++) for (int x = 1; x < 4; x++) square[y * 5 + x] = 1;
        var e1 = ObjectProbability.Compute(square, 5, 5);
        Assert.Equal(1f, e1[12], 5);
        Assert.Equal(.5f, e1[6], 5);
        Assert.Equal(0f, e1[0]);
        // E2: the image border is not boundary; another label is.
        var e2 = ObjectProbability.Compute(new[] { 1, 1, 1, 2, 2, 2, 0 }, 1, 7);
        Near(new[] { 1f, .6666667f, .3333333f, .5f, 1f, .5f, 0f }, e2, 1e-5f);
        // E3.
        Near(new[] { 1f, .75f, .5f, .25f, 0f, 0f }, ObjectProbability.Compute(new[] { 1, 1, 1, 1, 0, 0 }, 1, 6), 1e-6f);
        // A constant image is treated as padded with background.
        var constant = ObjectProbability.Compute(Enumerable.Repeat(3, 9).ToArray(), 3, 3);
        Near(new[] { .5f, .5f, .5f, .5f, 1f, .5f, .5f, .5f, .5f }, constant, 1e-6f);

        var small = StarDistReference.Case("small");
        Near(small.Floats("edt_prob"), ObjectProbability.Compute(small.Ints("labels"), 8, 10), 1e-6f);
        var sub = new int[4 * 5];
        var labels = small.Ints("labels");
        for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) sub[y * 5 + x] = labels[2 * y * 10 + 2 * x];
        Near(small.Floats("edt_prob_grid2"), ObjectProbability.Compute(sub, 4, 5), 1e-6f);
        var nuclei = StarDistReference.Case("nuclei");
        Near(nuclei.Floats("edt_prob"), ObjectProbability.Compute(nuclei.Ints("labels"), nuclei.Int("height"), nuclei.Int("width")), 1e-6f);
    }

    [Fact]
    public void Label_holes_are_filled_unless_they_open_onto_the_border()
    {
        // F1: a closed hole is filled.
        var f1 = new int[16];
        for (int i = 0; i < 16; i++) f1[i] = 3;
        f1[5] = f1[6] = f1[9] = f1[10] = 0;
        Assert.All(LabelHoles.Fill(f1, 4, 4), v => Assert.Equal(3, v));
        // F2: a gap open to the top border stays.
        var f2 = Enumerable.Repeat(2, 9).ToArray();
        f2[1] = f2[4] = 0;
        Assert.Equal(f2, LabelHoles.Fill(f2, 3, 3));
        var holes = StarDistReference.Case("holes");
        Assert.Equal(holes.Ints("filled"), LabelHoles.Fill(holes.Ints("labels"), holes.Int("height"), holes.Int("width")));
    }
}
