using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Imaging.Instances;

namespace ZeroCostDL4Mic.Engine.Networks.StarDist;

/// <summary>One training image: normalised pixels and hole-filled instance labels.</summary>
sealed record LabelledImage(string Name, float[] Image, int[] Labels, int Height, int Width);

/// <summary>Loading, splitting, patch sampling and target building as stardist's StarDistData2D.</summary>
static class StarDistData
{
    /// <summary>
    /// Every plane of every sample, normalised with the percentiles (1, 99.8) and with label holes filled (as the
    /// notebook applies fill_label_holes to the masks), split into training and validation images by a seeded shuffle.
    /// </summary>
    public static (List<LabelledImage> Train, List<LabelledImage> Validation) Load(ParameterSet p, IReadOnlyList<TrainingSample> samples)
    {
        double low = p.Float("percentile_low"), high = p.Float("percentile_high");
        var images = new List<LabelledImage>();
        foreach (var s in samples)
        {
            var target = s.Target ?? throw new InvalidInputException("dataset", $"sample '{s.Name}' has no label image");
            if (target.Height != s.Source.Height || target.Width != s.Source.Width || target.PlaneCount != s.Source.PlaneCount)
                throw new InvalidInputException("dataset", $"sample '{s.Name}': the label image ({target.Axes} {string.Join("x", target.Shape)}) does not match the image ({s.Source.Axes} {string.Join("x", s.Source.Shape)})");
            for (int plane = 0; plane < s.Source.PlaneCount; plane++)
            {
                int[] labels;
                try { labels = LabelBoxes.ToIntegers(target.Plane(plane).Span); }
                catch (ArgumentException e) { throw new InvalidInputException("dataset", $"sample '{s.Name}': {e.Message}; StarDist needs instance label images"); }
                if (labels.Any(v => v < 0))
                    throw new InvalidInputException("dataset", $"sample '{s.Name}' has negative labels; instance labels must be 0 (background) or positive ids");
                int h = s.Source.Height, w = s.Source.Width;
                var image = PlaneNormalization.Percentile(s.Source.Plane(plane).Span, low, high).Pixels;
                string name = s.Source.PlaneCount == 1 ? s.Name : $"{s.Name}[{plane}]";
                images.Add(new LabelledImage(name, image, LabelHoles.Fill(labels, h, w), h, w));
            }
        }
        if (images.Count < 2)
            throw new InvalidInputException("dataset", $"StarDist needs at least 2 labelled images (one is held out for validation); the dataset has {images.Count}");
        if (images.All(i => i.Labels.All(v => v == 0)))
            throw new InvalidInputException("dataset", "every label image is empty; StarDist needs annotated objects");
        var order = Enumerable.Range(0, images.Count).ToArray();
        new Random(p.Int("seed")).Shuffle(order);
        int nVal = Math.Clamp((int)Math.Round(images.Count * p.Float("validation_fraction")), 1, images.Count - 1);
        return (order.Skip(nVal).Select(i => images[i]).ToList(), order.Take(nVal).Select(i => images[i]).ToList());
    }

    /// <summary>The ZeroCost default: the smaller side of the smallest image, a multiple of the divisor, at most 2048 (and 256 on the CPU budget here).</summary>
    public static int PatchSize(ParameterSet p, IEnumerable<LabelledImage> images, int divisor)
    {
        int minSide = images.Min(i => Math.Min(i.Height, i.Width));
        int size = p.Int("patch_size");
        if (size == 0) size = Math.Min(Math.Min(minSide, 256), 2048) / divisor * divisor;
        if (size < divisor)
            throw new InvalidInputException("dataset", $"images of {minSide} pixels are smaller than the network's divisor {divisor}; lower grid or unet_depth");
        if (size > minSide)
            throw new InvalidInputException("patch_size", $"{size} is larger than the smallest image side ({minSide})");
        return size;
    }

    /// <summary>stardist's sample_patches with foreground_prob: a patch containing some foreground with probability foregroundOnly.</summary>
    public sealed class PatchSampler(LabelledImage image, int size)
    {
        int[]? foregroundCorners;

        public (int Y, int X) Next(Random random, double foregroundOnly)
        {
            int rows = image.Height - size + 1, cols = image.Width - size + 1;
            if (random.NextDouble() < foregroundOnly)
            {
                foregroundCorners ??= FindForegroundCorners();
                if (foregroundCorners.Length > 0)
                {
                    int c = foregroundCorners[random.Next(foregroundCorners.Length)];
                    return (c / cols, c % cols);
                }
            }
            return (random.Next(rows), random.Next(cols));
        }

        /// <summary>Top-left corners whose size×size window holds a labelled pixel (a summed-area table).</summary>
        int[] FindForegroundCorners()
        {
            int h = image.Height, w = image.Width;
            var sum = new int[(h + 1) * (w + 1)];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    sum[(y + 1) * (w + 1) + x + 1] = (image.Labels[y * w + x] > 0 ? 1 : 0) + sum[y * (w + 1) + x + 1] + sum[(y + 1) * (w + 1) + x] - sum[y * (w + 1) + x];
            var corners = new List<int>();
            int rows = h - size + 1, cols = w - size + 1;
            for (int y = 0; y < rows; y++)
                for (int x = 0; x < cols; x++)
                {
                    int count = sum[(y + size) * (w + 1) + x + size] - sum[y * (w + 1) + x + size] - sum[(y + size) * (w + 1) + x] + sum[y * (w + 1) + x];
                    if (count > 0) corners.Add(y * cols + x);
                }
            return corners.ToArray();
        }
    }

    /// <summary>
    /// Network targets of one label patch, channel first: [prob, d_0 .. d_{R−1}] at grid resolution. prob is the EDT
    /// probability of the subsampled labels (it is also the distance loss's mask), the distances come from the full
    /// labels (stardist: edt_prob(y[::g, ::g]) and star_dist(y, R, grid)).
    /// </summary>
    public static float[] Targets(int[] labels, int size, int rays, int grid)
    {
        int gs = (size - 1) / grid + 1, cells = gs * gs;
        var sub = new int[cells];
        for (int i = 0; i < gs; i++)
            for (int j = 0; j < gs; j++)
                sub[i * gs + j] = labels[i * grid * size + j * grid];
        var prob = ObjectProbability.Compute(sub, gs, gs);
        var dist = StarDistances.Compute(labels, size, size, rays, grid, grid);
        var target = new float[(1 + rays) * cells];
        prob.CopyTo(target, 0);
        for (int c = 0; c < cells; c++)
            for (int k = 0; k < rays; k++)
                target[(1 + k) * cells + c] = dist[c * rays + k];
        return target;
    }
}
