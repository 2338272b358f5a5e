namespace ZeroCostDL4Mic.Imaging.Tests;

/// <summary>Golden values of spec §4.5 (skimage 0.19.3, numpy 1.24.2, scipy 1.10.1) and the notebooks' QC on real EM slices.</summary>
public class ImageQualityTests
{
    private static (float[] X, float[] Y) CaseA()
    {
        const int h = 48, w = 64;
        var x = new float[h * w];
        var y = new float[h * w];
        for (var i = 0; i < h; i++)
            for (var j = 0; j < w; j++)
            {
                var v = Math.Sin(0.1 * i) + Math.Cos(0.07 * j);
                x[i * w + j] = (float)v;
                y[i * w + j] = (float)(v + 0.1 * ((7 * i + 13 * j) % 11) / 10);
            }
        return (x, y);
    }

    private static (float[] Gt, float[] Pred) CaseB()
    {
        const int h = 64, w = 80;
        var gt = new float[h * w];
        var pred = new float[h * w];
        for (var i = 0; i < h; i++)
            for (var j = 0; j < w; j++)
            {
                // as numpy evaluates it: gt is float32, 0.8*gt+30 stays float32, the cosine term is float64
                var g = (float)(200 + 100 * Math.Sin(0.15 * i) * Math.Cos(0.11 * j) + 5 * ((3 * i + 5 * j) % 7));
                gt[i * w + j] = g;
                var affine = 0.8f * g + 30f;
                pred[i * w + j] = (float)(affine + 10 * Math.Cos(0.3 * i + 0.2 * j));
            }
        return (gt, pred);
    }

    [Fact]
    public void CaseASsimAndPsnrOnFloat32()
    {
        var (x, y) = CaseA();
        var ssim = ImageQuality.Ssim(x, y, 48, 64);
        Assert.Equal(0.8562362722, ssim.Mean, 1e-6);
        Assert.Equal(0.9493179917, ssim.Map[0], 2e-5);
        Assert.Equal(0.9737274051, ssim.Map[5 * 64 + 5], 2e-5);
        Assert.Equal(0.9170543551, ssim.Map[47 * 64 + 63], 2e-5);
        Assert.Equal(24.5627542155, ImageQuality.Psnr(x, y), 1e-7);
        // the same run of skimage, printed to float32 precision: the port is bit-faithful
        Assert.Equal(0.8562362722437066, ssim.Mean, 1e-12);
        Assert.Equal(0.949318f, ssim.Map[0]);
        Assert.Equal(0.9737274f, ssim.Map[5 * 64 + 5]);
        Assert.Equal(0.91705436f, ssim.Map[47 * 64 + 63]);
        Assert.Equal(0.95530677f, ssim.Map[20 * 64 + 30]);
    }

    [Fact]
    public void CaseBFullPipeline()
    {
        var (gt, pred) = CaseB();
        var p = Percentiles.Compute(gt, 0.1, 99.9);
        Assert.Equal(102.06015171813965, p[0], 1e-9);
        Assert.Equal(327.35351312255864, p[1], 1e-9);

        var (g, x) = ImageQuality.NormMinMse(gt, pred);
        Assert.Equal(0.1936701536178589f, g[10 * 80 + 10]);
        Assert.Equal(0.2032778561115265, x[10 * 80 + 10], 1e-7);
        var scale = x[10 * 80 + 10] / (pred[10 * 80 + 10] - pred.Average(v => (double)v));
        Assert.Equal(0.0053856560, scale, 2e-9);
        Assert.InRange(Math.Abs(g.Average(v => (double)v)), 0, 1e-6);
        Assert.InRange(Math.Abs(x.Average(v => (double)v)), 0, 1e-6);

        var qc = ImageQuality.Evaluate(gt, pred, pred, 64, 80);
        Assert.Equal(0.80931033, qc.PredictionSsim, 1e-8);
        Assert.Equal(0.8093103349608431, qc.PredictionSsim, 1e-10);
        Assert.Equal(28.24833159, qc.PredictionPsnr, 1e-7);
        Assert.Equal(0.18599062, qc.PredictionNrmse, 1e-8);
        Assert.Equal(0.03868864, qc.PredictionRmse, 1e-8);
        Assert.Equal(qc.PredictionSsim, qc.InputSsim);
        Assert.Equal(0.7416099f, qc.PredictionSsimMap[0]);
        Assert.Equal(0.9372718f, qc.PredictionSsimMap[30 * 80 + 40]);
        Assert.Equal(64 * 80, qc.PredictionErrorMap.Length);
    }

    [Fact]
    public void NotebookQcOnRealEmSlices()
    {
        var gt = ImageFiles.Read(TestFiles.Path("em-image-0.png")).Pixels;
        var prediction = ImageFiles.Read(TestFiles.Path("em-image-1.png")).Pixels;
        var source = ImageFiles.Read(TestFiles.Path("em-label-0.png")).Pixels;
        var qc = ImageQuality.Evaluate(gt, source, prediction, 512, 512);

        // notebook code (norm_minmse, structural_similarity, peak_signal_noise_ratio) on the same files
        Assert.Equal(0.020475923149653574, qc.PredictionSsim, 1e-9);
        Assert.Equal(0.4049728214740753, qc.PredictionNrmse, 1e-7);
        Assert.Equal(0.19571793028695958, qc.PredictionRmse, 1e-7);
        Assert.Equal(14.167387711325945, qc.PredictionPsnr, 1e-6);
        Assert.Equal(-0.002909556496888399, qc.PredictionSsimMap[0], 1e-6);
        Assert.Equal(0.05993008241057396, qc.PredictionSsimMap[100 * 512 + 200], 1e-6);
        Assert.Equal(0.13496559858322144, qc.PredictionErrorMap[3 * 512 + 4], 1e-6);

        Assert.Equal(0.1359246648781927, qc.InputSsim, 1e-9);
        Assert.Equal(0.36824268102645874, qc.InputNrmse, 1e-7);
        Assert.Equal(0.16644918971049968, qc.InputRmse, 1e-7);
        Assert.Equal(15.574366300264813, qc.InputPsnr, 1e-6);
        Assert.Equal(-0.21254198253154755, qc.InputSsimMap[0], 1e-6);
        Assert.Equal(0.15900243818759918, qc.InputSsimMap[100 * 512 + 200], 1e-6);
        Assert.Equal(0.028266936540603638, qc.InputErrorMap[3 * 512 + 4], 1e-6);
    }

    [Fact]
    public void SimpleMetrics()
    {
        var a = new[] { 0f, 1f, 2f, 3f };
        var b = new[] { 1f, 1f, 0f, 3f };
        Assert.Equal(new[] { 1f, 0f, 2f, 0f }, ImageQuality.AbsoluteErrorMap(a, b));
        Assert.Equal(Math.Sqrt(0.75), ImageQuality.NrmseAsCoded(a, b), 6);
        Assert.Equal(Math.Sqrt(5.0 / 4), ImageQuality.Rmse(a, b), 12);
        Assert.Equal(10 * Math.Log10(9 / 1.25), ImageQuality.Psnr(a, b, 3), 12);
        Assert.True(double.IsPositiveInfinity(ImageQuality.Psnr(a, a)));
    }

    [Fact]
    public void IdenticalImagesHaveSsimOne()
    {
        var x = Synthetic.Smooth(20, 30);
        var ssim = ImageQuality.Ssim(x, x, 20, 30);
        Assert.Equal(1.0, ssim.Mean, 6);
    }

    [Fact]
    public void RejectsBadSizes()
    {
        var small = new float[10 * 30];
        Assert.Throws<ArgumentException>(() => ImageQuality.Ssim(small, small, 10, 30));
        Assert.Throws<ArgumentException>(() => ImageQuality.Ssim(new float[12 * 12], new float[12 * 13], 12, 12));
        Assert.Throws<ArgumentException>(() => ImageQuality.Psnr(new float[3], new float[4]));
    }
}
