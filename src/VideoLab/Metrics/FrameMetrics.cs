using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Metrics;

/// <summary>
/// Per-frame quality metrics of predicted clips against the truth, measured as OpenSTL measures them
/// (Tan et al. 2023, <c>openstl/core/metrics.py</c>), so a number here stands beside a row of its tables:
/// <list type="bullet">
/// <item>MSE and MAE are <b>summed</b> over C×H×W of a frame (then averaged over clips and frames), so their
///   scale grows with the frame size: Moving MNIST's "MSE 23.8" is a per-frame sum over 64×64 pixels in [0, 1].
///   They are computed on the <b>raw</b> predictions, values outside [0, 1] included;</item>
/// <item>PSNR and SSIM are computed on predictions <b>clamped to [0, 1]</b>. PSNR is per frame with peak 1:
///   10·log10(1 / mean squared error); identical frames give +∞;</item>
/// <item>SSIM is per frame, OpenSTL's (scikit-image 0.19.3's defaults), see <see cref="Ssim"/>; Wang et al.'s
///   Gaussian configuration is <see cref="GaussianSsim"/>, under its own name.</item>
/// </list>
/// <see cref="All"/> applies those rules; the single-metric functions compute exactly what they name, on what they
/// are given. Every function takes <c>(B, T, C, H, W)</c> prediction and truth of the same shape and returns a
/// <c>(B, T)</c> float64 tensor: one value per frame. Averages and per-horizon curves are in <see cref="MetricAccumulator"/>.
/// </summary>
public static class FrameMetrics
{
    /// <summary>The metric names, as they appear in logs, tables and curves.</summary>
    public static readonly IReadOnlyList<string> Names = ["mse", "mae", "psnr", "ssim"];

    /// <summary>Squared error summed over C×H×W: <c>(B, T)</c>.</summary>
    public static Tensor Mse(Tensor prediction, Tensor truth)
    {
        var (p, t) = Prepare(prediction, truth, "FrameMetrics.Mse");
        return (p - t).square().sum([2, 3, 4]);  // (B, T)
    }

    /// <summary>Absolute error summed over C×H×W: <c>(B, T)</c>.</summary>
    public static Tensor Mae(Tensor prediction, Tensor truth)
    {
        var (p, t) = Prepare(prediction, truth, "FrameMetrics.Mae");
        return (p - t).abs().sum([2, 3, 4]);  // (B, T)
    }

    /// <summary>PSNR in dB for values in [0, 1]: <c>(B, T)</c>; +∞ where a frame is reproduced exactly.</summary>
    public static Tensor Psnr(Tensor prediction, Tensor truth)
    {
        var (p, t) = Prepare(prediction, truth, "FrameMetrics.Psnr");
        var meanSquared = (p - t).square().mean([2, 3, 4]);  // (B, T)
        return -10.0 * meanSquared.log10();                  // log10(0) = -inf, so +inf for identical frames
    }

    /// <summary>OpenSTL's SSIM per frame (<see cref="Metrics.Ssim"/>), averaged over channels: <c>(B, T)</c>.</summary>
    public static Tensor Ssim(Tensor prediction, Tensor truth)
    {
        var (p, t) = Prepare(prediction, truth, "FrameMetrics.Ssim");
        return Metrics.Ssim.PerFrame(p, t);
    }

    /// <summary>Wang et al.'s Gaussian SSIM per frame (<see cref="Metrics.GaussianSsim"/>): <c>(B, T)</c>.</summary>
    public static Tensor GaussianSsim(Tensor prediction, Tensor truth)
    {
        var (p, t) = Prepare(prediction, truth, "FrameMetrics.GaussianSsim");
        return Metrics.GaussianSsim.PerFrame(p, t);
    }

    /// <summary>
    /// Every metric of <see cref="Names"/> by OpenSTL's rules, each <c>(B, T)</c>: MSE and MAE of the raw
    /// <paramref name="prediction"/>, PSNR and SSIM of it clamped to [0, 1]. SSIM is left out when frames are
    /// smaller than its 7×7 window.
    /// </summary>
    public static IReadOnlyDictionary<string, Tensor> All(Tensor prediction, Tensor truth)
    {
        var clamped = prediction.clamp(0, 1);
        var values = new Dictionary<string, Tensor>
        {
            ["mse"] = Mse(prediction, truth),
            ["mae"] = Mae(prediction, truth),
            ["psnr"] = Psnr(clamped, truth),
        };
        if (Metrics.Ssim.Fits(truth.shape[^2], truth.shape[^1])) values["ssim"] = Ssim(clamped, truth);
        return values;
    }

    /// <summary>Checks both are (B, T, C, H, W) of one shape, detaches, and computes in float64 on the CPU or device.</summary>
    static (Tensor Prediction, Tensor Truth) Prepare(Tensor prediction, Tensor truth, string who)
    {
        VideoShape.Check(prediction, who + " prediction");
        VideoShape.Check(truth, who + " truth");
        if (!prediction.shape.SequenceEqual(truth.shape))
            throw new VideoShapeException(
                $"{who}: prediction {VideoShape.Format(prediction.shape)} and truth {VideoShape.Format(truth.shape)} must have the same shape.");
        return (prediction.detach().to(ScalarType.Float64), truth.detach().to(ScalarType.Float64));
    }
}
