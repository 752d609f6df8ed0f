using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Metrics;

/// <summary>
/// Structural similarity as Wang, Bovik, Sheikh and Simoncelli (2004, "Image quality assessment: from error
/// visibility to structural similarity") define it, as scikit-image computes it with
/// <c>gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1</c>:
/// local means, variances and covariance under an 11×11 Gaussian window (σ 1.5, truncated at 3.5σ),
/// K1 = 0.01, K2 = 0.03, the SSIM map averaged over the pixels whose window lies inside the image
/// (scikit-image filters the whole image, then crops the 5-pixel border: the same pixels), per channel,
/// then averaged over channels.
/// <para>
/// This is <b>not</b> the number OpenSTL's tables call SSIM (that one is <see cref="Ssim"/>: a 7×7 uniform window,
/// sample covariance, data range 2); on blurred predictions the two differ by 0.01–0.07. It is kept, under its own
/// name, for comparing with papers that follow Wang et al.'s configuration.
/// </para>
/// </summary>
public static class GaussianSsim
{
    /// <summary>Standard deviation of the Gaussian window.</summary>
    public const double Sigma = 1.5;
    /// <summary>Window radius: int(3.5 σ + 0.5) = 5, so the window is 11 pixels wide.</summary>
    public const int Radius = 5;
    /// <summary>Smallest frame side the window fits in.</summary>
    public const int MinSize = 2 * Radius + 1;
    public const double K1 = 0.01, K2 = 0.03;

    /// <summary>SSIM of each frame of two <c>(B, T, C, H, W)</c> clips in [0, 1]: <c>(B, T)</c>, float64.</summary>
    public static Tensor PerFrame(Tensor prediction, Tensor truth)
    {
        long b = prediction.shape[0], t = prediction.shape[1], c = prediction.shape[2], h = prediction.shape[3], w = prediction.shape[4];
        if (h < MinSize || w < MinSize)
            throw new ArgumentException($"Gaussian SSIM needs frames of at least {MinSize}×{MinSize} pixels (its window); got {h}×{w}.");
        var x = prediction.to(ScalarType.Float64).reshape(b * t, c, h, w);  // (B*T, C, H, W)
        var y = truth.to(ScalarType.Float64).reshape(b * t, c, h, w);       // (B*T, C, H, W)
        var window = Window(c, x.device);                                     // (C, 1, 11, 11)

        Tensor Blur(Tensor z) => nn.functional.conv2d(z, window, groups: c);  // (B*T, C, H-10, W-10): valid part only
        var ux = Blur(x);
        var uy = Blur(y);
        var vx = Blur(x * x) - ux * ux;
        var vy = Blur(y * y) - uy * uy;
        var vxy = Blur(x * y) - ux * uy;

        const double c1 = K1 * K1, c2 = K2 * K2;  // (K·data_range)² with data_range 1
        var map = (2 * ux * uy + c1) * (2 * vxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
        return map.mean([1, 2, 3]).reshape(b, t);  // (B, T)
    }

    /// <summary>The normalised 2-D Gaussian window, one copy per channel for a depthwise convolution: <c>(C, 1, 11, 11)</c>.</summary>
    static Tensor Window(long channels, Device device)
    {
        var offsets = arange(-Radius, Radius + 1, dtype: ScalarType.Float64, device: device);
        var g = (-(offsets * offsets) / (2 * Sigma * Sigma)).exp();
        g = g / g.sum();                                       // (11)
        var window2d = g.unsqueeze(1) * g.unsqueeze(0);        // (11, 11)
        return window2d.expand(channels, 1, MinSize, MinSize).contiguous();  // (C, 1, 11, 11)
    }
}
