namespace ZeroCostDL4Mic.Imaging;

/// <summary>Mean SSIM (over the map cropped by the window radius) and the full SSIM map (row-major).</summary>
public sealed record SsimResult(double Mean, float[] Map);
