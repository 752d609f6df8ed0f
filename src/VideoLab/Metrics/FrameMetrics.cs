using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Metrics;

/// <summary>
/// Per-frame quality metrics of predicted clips against the truth, with the conventions of the
/// published video-prediction tables (OpenSTL, Tan et al. 2023):
/// <list type="bullet">
/// <item>MSE and MAE are <b>summed</b> over C×H×W of a frame (then averaged over batch and time), so their
///   scale grows with the frame size: Moving MNIST's "MSE 23.8" is a per-frame sum over 64×64 pixels in [0, 1];</item>
/// <item>PSNR is per frame, on [0, 1] values (peak 1): 10·log10(1 / mean squared error); identical frames give +∞;</item>
/// <item>SSIM is per frame, see <see cref="Ssim"/>.</item>
/// </list>
/// Every function takes <c>(B, T, C, H, W)</c> prediction and truth of the same shape and returns a
/// <c>(B, T)</c> float64 tensor: one value per frame. Averages and per-horizon curves are in
/// <see cref="MetricAccumulator"/>.
/// </summary>
public static class FrameMetrics
{
    /// <summary>The metric names, as they appear in logs and curves.</summary>
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

    /// <summary>SSIM per frame (Wang et al. 2004), averaged over channels: <c>(B, T)</c>.</summary>
    public static Tensor Ssim(Tensor prediction, Tensor truth)
    {
        var (p, t) = Prepare(prediction, truth, "FrameMetrics.Ssim");
        return Metrics.Ssim.PerFrame(p, t);
    }

    /// <summary>Every metric of <see cref="Names"/>, each <c>(B, T)</c>.</summary>
    public static IReadOnlyDictionary<string, Tensor> All(Tensor prediction, Tensor truth) => new Dictionary<string, Tensor>
    {
        ["mse"] = Mse(prediction, truth),
        ["mae"] = Mae(prediction, truth),
        ["psnr"] = Psnr(prediction, truth),
        ["ssim"] = Ssim(prediction, truth),
    };

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
