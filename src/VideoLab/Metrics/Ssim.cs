using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Metrics;

/// <summary>
/// The SSIM of OpenSTL's tables (Tan et al. 2023; <c>openstl/core/metrics.py</c>): OpenSTL calls
/// <c>skimage.metrics.structural_similarity(pred.swapaxes(0, 2), true.swapaxes(0, 2), multichannel=True)</c> on each
/// float32 frame, with scikit-image ≤ 0.19.3's defaults. On float32 images those are:
/// <list type="bullet">
/// <item>a 7×7 <b>uniform</b> window (not Wang et al.'s Gaussian; that one is <see cref="GaussianSsim"/>);</item>
/// <item><b>sample</b> covariance: variances and covariance scaled by 49/48;</item>
/// <item><b>data range 2</b>: the range of the float dtype (−1…1), whatever the values are, so C1 = (0.01·2)², C2 = (0.03·2)²;</item>
/// <item>the map averaged over the pixels whose window lies inside the frame (scikit-image filters with reflection,
///   then crops a 3-pixel border: the same pixels), per channel, then averaged over channels.</item>
/// </list>
/// The swap of height and width in OpenSTL's call does not change the value (the window is square and symmetric).
/// Computed here in float64; scikit-image works in float32 on float32 frames, which moves its value by about 1e-7
/// (checked against Debian's scikit-image 0.19.3 in tests/VideoLab.Tests/Metrics/OpenStlMetricsTests.cs).
/// </summary>
public static class Ssim
{
    /// <summary>Side of the uniform window (scikit-image's default win_size).</summary>
    public const int Window = 7;
    /// <summary>Smallest frame side the window fits in.</summary>
    public const int MinSize = Window;
    /// <summary>scikit-image's dtype range of float images, −1…1.</summary>
    public const double DataRange = 2;
    public const double K1 = 0.01, K2 = 0.03;

    /// <summary>True when frames of <paramref name="height"/>×<paramref name="width"/> are large enough for the window.</summary>
    public static bool Fits(long height, long width) => height >= MinSize && width >= MinSize;

    /// <summary>SSIM of each frame of two <c>(B, T, C, H, W)</c> clips: <c>(B, T)</c>, float64.</summary>
    public static Tensor PerFrame(Tensor prediction, Tensor truth)
    {
        long b = prediction.shape[0], t = prediction.shape[1], c = prediction.shape[2], h = prediction.shape[3], w = prediction.shape[4];
        if (!Fits(h, w))
            throw new ArgumentException($"SSIM needs frames of at least {MinSize}×{MinSize} pixels (its {Window}×{Window} window); got {h}×{w}.");
        var x = prediction.to(ScalarType.Float64).reshape(b * t * c, 1, h, w);  // (B*T*C, 1, H, W): channels are scored separately
        var y = truth.to(ScalarType.Float64).reshape(b * t * c, 1, h, w);

        Tensor Mean(Tensor z) => nn.functional.avg_pool2d(z, Window, stride: 1);  // (B*T*C, 1, H-6, W-6): valid windows only
        const double n = Window * Window, covariance = n / (n - 1);               // sample covariance
        var ux = Mean(x);
        var uy = Mean(y);
        var vx = covariance * (Mean(x * x) - ux * ux);
        var vy = covariance * (Mean(y * y) - uy * uy);
        var vxy = covariance * (Mean(x * y) - ux * uy);

        const double c1 = K1 * DataRange * (K1 * DataRange), c2 = K2 * DataRange * (K2 * DataRange);
        var map = (2 * ux * uy + c1) * (2 * vxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
        return map.mean([1, 2, 3]).reshape(b, t, c).mean([2L]);  // (B, T): the mean over channels of each channel's mean
    }
}
