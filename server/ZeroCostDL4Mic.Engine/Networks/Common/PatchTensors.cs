using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Networks.Common;

/// <summary>Builds N×C×H×W float tensors from square patches, optionally applying one random flip/rotation per sample.</summary>
public static class PatchTensors
{
    /// <summary>Stacks same-size planes into [n, 1, size, size].</summary>
    public static Tensor Stack(IReadOnlyList<float[]> planes, int size)
    {
        var buffer = new float[planes.Count * size * size];
        for (int i = 0; i < planes.Count; i++) planes[i].CopyTo(buffer, i * size * size);
        return tensor(buffer, new long[] { planes.Count, 1, size, size });
    }

    /// <summary>Stacks per-sample channel lists into [n, channels, size, size].</summary>
    public static Tensor StackChannels(IReadOnlyList<float[][]> samples, int size)
    {
        int channels = samples[0].Length, plane = size * size;
        var buffer = new float[samples.Count * channels * plane];
        for (int i = 0; i < samples.Count; i++)
            for (int c = 0; c < channels; c++)
                samples[i][c].CopyTo(buffer, (i * channels + c) * plane);
        return tensor(buffer, new long[] { samples.Count, channels, size, size });
    }

    /// <summary>The same random one of the 8 dihedral transforms applied to every plane of one sample.</summary>
    public static float[][] RandomDihedral(Random random, int size, params float[][] planes)
    {
        int transform = random.Next(8);
        if (transform == 0) return planes;
        return planes.Select(p => Dihedral.Apply(p, size, size, transform, out _, out _)).ToArray();
    }
}

/// <summary>Draws sample indices as Keras' RollingSequence does: a fresh permutation per pass.</summary>
public sealed class RollingIndices(int count)
{
    int[] order = Array.Empty<int>();
    int position;

    public int Next(Random random)
    {
        if (position >= order.Length)
        {
            order = Enumerable.Range(0, count).ToArray();
            random.Shuffle(order);
            position = 0;
        }
        return order[position++];
    }
}
