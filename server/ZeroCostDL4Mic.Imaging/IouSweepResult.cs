namespace ZeroCostDL4Mic.Imaging;

/// <summary>
/// IoU for every threshold t = 0..255 (mask = prediction &gt; t), the best IoU and the first threshold reaching it.
/// IoU is NaN where the union is empty; when every value is NaN, BestIou is NaN and BestThreshold 0.
/// </summary>
public sealed record IouSweepResult(double BestIou, int BestThreshold, double[] IouByThreshold);
