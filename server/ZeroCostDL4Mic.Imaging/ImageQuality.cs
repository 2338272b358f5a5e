namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// Image-to-image QC metrics of the ZeroCostDL4Mic CARE and Noise2Void notebooks, computed in float32 as
/// skimage 0.19 / numpy do (spec §4). Images are row-major float32, height × width.
/// </summary>
public static class ImageQuality
{
    /// <summary>
    /// skimage structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, K1=0.01,
    /// K2=0.03): 11-tap Gaussian, scipy 'reflect' borders; the mean skips 5 pixels on every side.
    /// </summary>
    public static SsimResult Ssim(ReadOnlySpan<float> reference, ReadOnlySpan<float> test, int height, int width, double dataRange = 1)
    {
        CheckPair(reference, test, height, width);
        if (height < SsimGaussianFilter.WindowSize || width < SsimGaussianFilter.WindowSize)
            throw new ArgumentException(
                $"SSIM needs at least {SsimGaussianFilter.WindowSize}x{SsimGaussianFilter.WindowSize} pixels but the image is {height}x{width}");
        var n = reference.Length;
        var xx = new float[n];
        var yy = new float[n];
        var xy = new float[n];
        for (var i = 0; i < n; i++)
        {
            xx[i] = reference[i] * reference[i];
            yy[i] = test[i] * test[i];
            xy[i] = reference[i] * test[i];
        }
        var ux = SsimGaussianFilter.Filter(reference, height, width);
        var uy = SsimGaussianFilter.Filter(test, height, width);
        var uxx = SsimGaussianFilter.Filter(xx, height, width);
        var uyy = SsimGaussianFilter.Filter(yy, height, width);
        var uxy = SsimGaussianFilter.Filter(xy, height, width);

        // float32 arithmetic in numpy's evaluation order; the constants are cast to float32 as numpy does
        var c1 = (float)(0.01 * dataRange * (0.01 * dataRange));
        var c2 = (float)(0.03 * dataRange * (0.03 * dataRange));
        var map = xx; // reuse
        for (var i = 0; i < n; i++)
        {
            float mx = ux[i], my = uy[i];
            var vx = uxx[i] - mx * mx;
            var vy = uyy[i] - my * my;
            var vxy = uxy[i] - mx * my;
            var a1 = 2f * mx * my + c1;
            var a2 = 2f * vxy + c2;
            var b1 = mx * mx + my * my + c1;
            var b2 = vx + vy + c2;
            var d = b1 * b2;
            map[i] = a1 * a2 / d;
        }

        var pad = SsimGaussianFilter.Radius;
        var cropped = new float[(height - 2 * pad) * (width - 2 * pad)];
        for (int y = pad, k = 0; y < height - pad; y++, k += width - 2 * pad)
            map.AsSpan(y * width + pad, width - 2 * pad).CopyTo(cropped.AsSpan(k));
        var mean = NumpySum.Float64(cropped, default(NumpySum.Identity)) / cropped.Length;
        return new SsimResult(mean, map);
    }

    /// <summary>skimage peak_signal_noise_ratio: 10·log10(R²/MSE), MSE = mean((g-p)²) with the difference in float32.</summary>
    public static double Psnr(ReadOnlySpan<float> reference, ReadOnlySpan<float> test, double dataRange = 1)
    {
        CheckLengths(reference, test);
        return 10 * Math.Log10(dataRange * dataRange / MeanSquaredError(reference, test));
    }

    /// <summary>Standard root-mean-square error sqrt(mean((g-p)²)).</summary>
    public static double Rmse(ReadOnlySpan<float> reference, ReadOnlySpan<float> test)
    {
        CheckLengths(reference, test);
        return Math.Sqrt(MeanSquaredError(reference, test));
    }

    /// <summary>
    /// The notebooks' "NRMSE": sqrt(mean(sqrt((g-p)²))) = sqrt(mean |g-p|), the square root of the MAE,
    /// with numpy's float32 mean. Kept as coded so numbers compare with ZeroCostDL4Mic reports.
    /// </summary>
    public static double NrmseAsCoded(ReadOnlySpan<float> reference, ReadOnlySpan<float> test)
    {
        var errors = AbsoluteErrorMap(reference, test);
        return MathF.Sqrt(NumpySum.MeanFloat32(errors));
    }

    /// <summary>The notebooks' "RSE map" sqrt((g-p)²) = |g-p| in float32.</summary>
    public static float[] AbsoluteErrorMap(ReadOnlySpan<float> reference, ReadOnlySpan<float> test)
    {
        CheckLengths(reference, test);
        var map = new float[reference.Length];
        for (var i = 0; i < map.Length; i++)
        {
            var d = reference[i] - test[i];
            map[i] = MathF.Sqrt(d * d);
        }
        return map;
    }

    /// <summary>
    /// csbdeep norm_minmse as in the notebooks: g = (gt - P0.1)/(P99.9 - P0.1 + 1e-20) without clipping,
    /// both made zero-mean, x scaled by cov(x, g) (ddof 1) / var(x) (ddof 0). Returns (g, scale·x).
    /// </summary>
    public static (float[] Reference, float[] Test) NormMinMse(ReadOnlySpan<float> groundTruth, ReadOnlySpan<float> x)
    {
        CheckLengths(groundTruth, x);
        var n = groundTruth.Length;
        if (n < 2) throw new ArgumentException("norm_minmse needs at least two pixels");
        var p = Percentiles.Compute(groundTruth, 0.1, 99.9);
        var g = groundTruth.ToArray();
        new PercentileNormalizer().Normalize(g, (float)p[0], (float)p[1]);

        var xMean = NumpySum.MeanFloat32(x);
        var xc = new float[n];
        for (var i = 0; i < n; i++) xc[i] = x[i] - xMean;
        var gMean = NumpySum.MeanFloat32(g);
        for (var i = 0; i < n; i++) g[i] -= gMean;

        // np.cov works in float64 and subtracts the means again; np.var of float32 stays float32
        double mx = 0, mg = 0;
        for (var i = 0; i < n; i++) { mx += xc[i]; mg += g[i]; }
        mx /= n;
        mg /= n;
        double cov = 0;
        for (var i = 0; i < n; i++) cov += (xc[i] - mx) * (g[i] - mg);
        cov /= n - 1;
        var varMean = NumpySum.MeanFloat32(xc);
        var squares = new float[n];
        for (var i = 0; i < n; i++)
        {
            var d = xc[i] - varMean;
            squares[i] = d * d;
        }
        var variance = (float)((double)NumpySum.Float32(squares) / n);
        var scale = (float)(cov / variance);
        for (var i = 0; i < n; i++) xc[i] *= scale;
        return (g, xc);
    }

    /// <summary>
    /// The notebooks' QC for one image: norm_minmse(gt, prediction) and norm_minmse(gt, source), then SSIM,
    /// NRMSE (as coded), RMSE and PSNR with data range 1 for each pair.
    /// </summary>
    public static ImageToImageQc Evaluate(ReadOnlySpan<float> groundTruth, ReadOnlySpan<float> source, ReadOnlySpan<float> prediction, int height, int width)
    {
        CheckPair(groundTruth, source, height, width);
        CheckPair(groundTruth, prediction, height, width);
        var (gp, p) = NormMinMse(groundTruth, prediction);
        var (gs, s) = NormMinMse(groundTruth, source);
        var ssimP = Ssim(gp, p, height, width);
        var ssimS = Ssim(gs, s, height, width);
        return new ImageToImageQc(
            ssimP.Mean, ssimS.Mean,
            NrmseAsCoded(gp, p), NrmseAsCoded(gs, s),
            Rmse(gp, p), Rmse(gs, s),
            Psnr(gp, p), Psnr(gs, s),
            ssimP.Map, ssimS.Map,
            AbsoluteErrorMap(gp, p), AbsoluteErrorMap(gs, s));
    }

    private readonly struct SquaredDifference(float[] test) : NumpySum.IFloatMap
    {
        public double Apply(float value, int index)
        {
            var d = value - test[index];
            return d * d;
        }
    }

    private static double MeanSquaredError(ReadOnlySpan<float> reference, ReadOnlySpan<float> test) =>
        NumpySum.Float64(reference, new SquaredDifference(test.ToArray())) / reference.Length;

    private static void CheckLengths(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"images differ in size: {a.Length} and {b.Length} pixels");
        if (a.IsEmpty) throw new ArgumentException("images are empty");
    }

    private static void CheckPair(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int height, int width)
    {
        CheckLengths(a, b);
        if (height <= 0 || width <= 0 || (long)height * width != a.Length)
            throw new ArgumentException($"{a.Length} pixels do not make a {height}x{width} image");
    }
}
