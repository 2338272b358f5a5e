namespace ZeroCostDL4Mic.Imaging.Instances;

/// <summary>stardist's fill_label_holes: fills the holes of every object that do not open onto the image border.</summary>
public static class LabelHoles
{
    /// <summary>
    /// Returns a copy in which each label, in increasing id order, is hole-filled within its bounding box grown by
    /// one pixel (not beyond the image); background connected (4-neighbourhood) to that box's edge stays, and later
    /// ids overwrite earlier ones, as the original's binary_fill_holes loop.
    /// </summary>
    public static int[] Fill(ReadOnlySpan<int> labels, int height, int width)
    {
        if (height <= 0 || width <= 0 || (long)height * width != labels.Length)
            throw new ArgumentException($"{labels.Length} labels do not make a {height}x{width} image");
        var source = labels.ToArray();
        var result = labels.ToArray();
        foreach (var (label, box) in LabelBoxes.Find(source, height, width))
        {
            int y0 = Math.Max(0, box.Y0 - 1), x0 = Math.Max(0, box.X0 - 1);
            int y1 = Math.Min(height - 1, box.Y1 + 1), x1 = Math.Min(width - 1, box.X1 + 1);
            int h = y1 - y0 + 1, w = x1 - x0 + 1;
            // Flood the non-object pixels from the edge of the box: whatever is not reached is object or hole.
            var outside = new bool[h * w];
            var stack = new Stack<int>();
            void Seed(int y, int x)
            {
                int p = y * w + x;
                if (!outside[p] && source[(y0 + y) * width + x0 + x] != label) { outside[p] = true; stack.Push(p); }
            }
            for (int x = 0; x < w; x++) { Seed(0, x); Seed(h - 1, x); }
            for (int y = 0; y < h; y++) { Seed(y, 0); Seed(y, w - 1); }
            while (stack.Count > 0)
            {
                int p = stack.Pop(), y = p / w, x = p % w;
                if (y > 0) Seed(y - 1, x);
                if (y < h - 1) Seed(y + 1, x);
                if (x > 0) Seed(y, x - 1);
                if (x < w - 1) Seed(y, x + 1);
            }
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    if (!outside[y * w + x]) result[(y0 + y) * width + x0 + x] = label;
        }
        return result;
    }
}

/// <summary>Inclusive bounding box of one label.</summary>
public readonly record struct LabelBox(int Y0, int X0, int Y1, int X1);

/// <summary>Bounding boxes of every positive label, in increasing label order.</summary>
public static class LabelBoxes
{
    public static IReadOnlyList<(int Label, LabelBox Box)> Find(ReadOnlySpan<int> labels, int height, int width)
    {
        var boxes = new Dictionary<int, LabelBox>();
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int v = labels[y * width + x];
                if (v <= 0) continue;
                boxes[v] = boxes.TryGetValue(v, out var b)
                    ? new LabelBox(Math.Min(b.Y0, y), Math.Min(b.X0, x), Math.Max(b.Y1, y), Math.Max(b.X1, x))
                    : new LabelBox(y, x, y, x);
            }
        return boxes.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)).ToList();
    }

    /// <summary>Labels of a float plane (as images arrive) as integers; negative values are kept (stardist's "ignore").</summary>
    public static int[] ToIntegers(ReadOnlySpan<float> plane)
    {
        var result = new int[plane.Length];
        for (int i = 0; i < plane.Length; i++)
        {
            float v = plane[i];
            if (v != MathF.Floor(v) || !float.IsFinite(v))
                throw new ArgumentException($"label images must hold integers; pixel {i} is {v}");
            result[i] = (int)v;
        }
        return result;
    }
}
