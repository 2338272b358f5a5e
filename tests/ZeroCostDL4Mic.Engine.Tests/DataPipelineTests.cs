using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Engine.Networks.Noise2Void;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Tests;

public class DataPipelineTests
{
    static readonly NetworkRegistry Registry = new();

    [Fact]
    public void Noise2Void_masks_about_perc_pix_of_each_patch_and_only_there()
    {
        var n2v = Registry.Definition("n2v-2d");
        var p = n2v.ResolveParameters(new Dictionary<string, string> { ["patch_size"] = "64", ["perc_pix"] = "1.5" });
        var plan = n2v.PrepareTraining(p, new[] { SyntheticImages.Pair("a", 128, 128, 1), SyntheticImages.Pair("b", 128, 128, 2) }, _ => { });
        var (input, target) = plan.TrainingBatch(16, new Random(1));
        using (input)
        using (target)
        {
            // perc 1.5 → box round(sqrt(100/1.5)) = 8 → one spot per 8×8 box: 64 per 64×64 patch.
            var masked = target.narrow(1, 1, 1).sum(new long[] { 1, 2, 3 });
            Assert.All(masked.data<float>().ToArray(), m => Assert.Equal(64f, m));
            // Values hold the originals only at blind spots.
            var values = target.narrow(1, 0, 1);
            var outside = (values * (1 - target.narrow(1, 1, 1))).abs().sum().item<float>();
            Assert.Equal(0f, outside);
            // The loss ignores pixels outside the mask: changing them changes nothing.
            using var output = input.clone();
            var baseline = plan.Loss(output, target).item<float>();
            using var shifted = output + (1 - target.narrow(1, 1, 1)) * 100;
            Assert.Equal(baseline, plan.Loss(shifted, target).item<float>(), 4);
        }
    }

    [Fact]
    public void Noise2Void_replacements_come_from_the_radius_5_window_around_each_blind_spot()
    {
        const int size = 64, radius = 5;
        // Each pixel holds its own index, so a replaced value says where it was read from.
        var patch = Enumerable.Range(0, size * size).Select(i => (float)i).ToArray();
        var masking = new BlindSpotMasking(size, box: 4, radius);
        var offsets = new List<(int Dy, int Dx)>();
        var random = new Random(5);
        for (int round = 0; round < 50; round++)
        {
            var m = masking.Apply(patch, random);
            for (int i = 0; i < patch.Length; i++)
            {
                if (m[2][i] == 0)
                {
                    Assert.Equal(patch[i], m[0][i]);
                    continue;
                }
                Assert.Equal(patch[i], m[1][i]);
                int source = (int)m[0][i];
                offsets.Add((source / size - i / size, source % size - i % size));
            }
        }
        Assert.All(offsets, o => Assert.True(Math.Abs(o.Dy) <= radius && Math.Abs(o.Dx) <= radius, $"offset {o} beyond radius {radius}"));
        // uniform_withCP: every offset of the 11×11 window, the blind spot itself included, is drawn about equally often.
        var counts = offsets.GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(121, counts.Count);
        double expected = offsets.Count / 121.0;
        Assert.InRange(counts[(0, 0)], expected * 0.5, expected * 1.5);
    }

    [Fact]
    public void UNet_rejects_patches_with_too_little_foreground_and_weights_classes()
    {
        var unet = Registry.Definition("unet-2d");
        var sample = SyntheticImages.MaskPair("a", 64, 64, 3);
        // Half of a second image carries no foreground: its 32×32 patches there must be rejected.
        var half = sample.Target!.Pixels.Select((v, i) => i < 32 * 64 ? 0f : v).ToArray();
        var samples = new[] { sample, sample with { Name = "b", Target = Imaging.ImageData.Create2D(64, 64, half) } };
        var messages = new List<string>();
        var plan = unet.PrepareTraining(unet.ResolveParameters(new Dictionary<string, string> { ["patch_size"] = "32", ["unet_base_filters"] = "4" }), samples, messages.Add);
        Assert.Contains(messages, m => m.Contains("rejected by min_fraction"));
        int rejected = RejectedCount(messages[0]);
        Assert.True(rejected >= 2, messages[0]); // the two empty top patches of "b"
        Assert.Equal(8, plan.TrainingPatchCount + plan.ValidationPatchCount + rejected);
        // Foreground is the minority class, so it weighs more (w_c = (n0 + n1) / (2 n_c)).
        Assert.Matches(@"class weights fg (\d+\.\d+), bg 0\.[5-9]", messages[0]);
    }

    static int RejectedCount(string message) =>
        int.Parse(message[(message.IndexOf('(') + 1)..message.IndexOf(" rejected", StringComparison.Ordinal)]);

    [Fact]
    public void Care_patches_are_normalised_by_percentiles_of_the_whole_image()
    {
        var care = Registry.Definition("care-2d");
        var plan = care.PrepareTraining(care.ResolveParameters(new Dictionary<string, string> { ["patch_size"] = "64", ["patches_per_image"] = "4", ["augment"] = "false" }),
            new[] { SyntheticImages.Pair("a", 64, 64, 1), SyntheticImages.Pair("b", 64, 64, 2) }, _ => { });
        // With a patch as large as the image every patch is the whole image: min ≈ 0 .. max ≈ 1 after P1/P99.8.
        var (input, target) = plan.TrainingBatch(2, new Random(2));
        using (input)
        using (target)
        {
            Assert.InRange(target.min().item<float>(), -0.05f, 0.05f);
            Assert.InRange(target.max().item<float>(), 0.95f, 1.2f);
        }
    }
}
