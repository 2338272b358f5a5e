namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// ZeroCostDL4Mic's image-to-image QC for one image: each pair normalised with norm_minmse (ground truth
/// first). NRMSE is the notebooks' sqrt(mean |g - p|); RMSE is the standard one. Maps are row-major.
/// </summary>
public sealed record ImageToImageQc(
    double PredictionSsim, double InputSsim,
    double PredictionNrmse, double InputNrmse,
    double PredictionRmse, double InputRmse,
    double PredictionPsnr, double InputPsnr,
    float[] PredictionSsimMap, float[] InputSsimMap,
    float[] PredictionErrorMap, float[] InputErrorMap);
