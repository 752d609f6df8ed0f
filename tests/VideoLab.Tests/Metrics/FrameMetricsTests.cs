using System.Globalization;
using VideoLab.Metrics;
using VideoLab.Tests.References;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Tests.Metrics;

public class FrameMetricsTests
{
    /// <summary>
    /// A fixed pair of 3×16×20 images from a closed form (channel c, row i, column j), values in [0.05, 0.95]:
    /// x = 0.5 + 0.4 sin(0.7i + 0.3j + c), y = 0.5 + 0.35 sin(0.7i + 0.3j + c + 0.2) + 0.1 cos(0.9j − 0.4i).
    /// </summary>
    static (Tensor X, Tensor Y) ReferencePair()
    {
        const int C = 3, H = 16, W = 20;
        var x = new float[C * H * W];
        var y = new float[C * H * W];
        for (int c = 0; c < C; c++)
            for (int i = 0; i < H; i++)
                for (int j = 0; j < W; j++)
                {
                    int k = (c * H + i) * W + j;
                    x[k] = (float)(0.5 + 0.4 * Math.Sin(0.7 * i + 0.3 * j + c));
                    y[k] = (float)(0.5 + 0.35 * Math.Sin(0.7 * i + 0.3 * j + c + 0.2) + 0.1 * Math.Cos(0.9 * j - 0.4 * i));
                }
        return (tensor(x, [1, 1, C, H, W]), tensor(y, [1, 1, C, H, W]));  // (B, T, C, H, W) = (1, 1, 3, 16, 20)
    }

    [Fact]
    public void Gaussian_ssim_psnr_and_sums_match_scikit_image_and_numpy_on_the_reference_pair()
    {
        using var scope = NewDisposeScope();
        var (x, y) = ReferencePair();
        // Wang et al.'s configuration, as scikit-image 0.19.3 (Debian's python3-skimage) computes it in float64.
        var reference = DebianPython.Run("""
            import numpy as np; from skimage.metrics import structural_similarity as s, peak_signal_noise_ratio as p
            c, i, j = np.meshgrid(np.arange(3), np.arange(16), np.arange(20), indexing='ij')
            x = 0.5 + 0.4 * np.sin(0.7 * i + 0.3 * j + c); y = 0.5 + 0.35 * np.sin(0.7 * i + 0.3 * j + c + 0.2) + 0.1 * np.cos(0.9 * j - 0.4 * i)
            x, y = x.astype(np.float32).astype(np.float64), y.astype(np.float32).astype(np.float64)
            print(s(x, y, channel_axis=0, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1.0))
            print(p(x, y, data_range=1.0)); print(((x - y) ** 2).sum()); print(np.abs(x - y).sum())
            """).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(reference[0], FrameMetrics.GaussianSsim(x, y).item<double>(), 10);
        Assert.Equal(reference[1], FrameMetrics.Psnr(x, y).item<double>(), 10);
        Assert.Equal(reference[2], FrameMetrics.Mse(x, y).item<double>(), 10);
        Assert.Equal(reference[3], FrameMetrics.Mae(x, y).item<double>(), 10);
        // Both SSIMs are symmetric, and they are different numbers (OpenSTL's is not Wang et al.'s configuration).
        Assert.Equal(FrameMetrics.Ssim(x, y).item<double>(), FrameMetrics.Ssim(y, x).item<double>(), 10);
        Assert.Equal(FrameMetrics.GaussianSsim(x, y).item<double>(), FrameMetrics.GaussianSsim(y, x).item<double>(), 10);
        Assert.True(Math.Abs(FrameMetrics.Ssim(x, y).item<double>() - FrameMetrics.GaussianSsim(x, y).item<double>()) > 1e-3);
    }

    [Fact]
    public void Identical_frames_give_zero_error_infinite_psnr_and_ssim_one()
    {
        using var scope = NewDisposeScope();
        var (x, _) = ReferencePair();
        var clip = x.expand(2, 3, -1, -1, -1).contiguous();  // (2, 3, 3, 16, 20)
        Assert.All(FrameMetrics.Mse(clip, clip).data<double>().ToArray(), v => Assert.Equal(0, v));
        Assert.All(FrameMetrics.Mae(clip, clip).data<double>().ToArray(), v => Assert.Equal(0, v));
        Assert.All(FrameMetrics.Psnr(clip, clip).data<double>().ToArray(), v => Assert.True(double.IsPositiveInfinity(v)));
        Assert.All(FrameMetrics.Ssim(clip, clip).data<double>().ToArray(), v => Assert.Equal(1, v, 12));
        Assert.All(FrameMetrics.GaussianSsim(clip, clip).data<double>().ToArray(), v => Assert.Equal(1, v, 12));
    }

    [Fact]
    public void Mse_and_mae_are_summed_over_pixels_and_psnr_uses_the_mean()
    {
        using var scope = NewDisposeScope();
        var truth = full([2, 3, 1, 4, 4], 0.5f);  // (B, T, C, H, W)
        var prediction = zeros([2, 3, 1, 4, 4]);
        Assert.Equal([2L, 3L], FrameMetrics.Mse(prediction, truth).shape);
        Assert.Equal(16 * 0.25, FrameMetrics.Mse(prediction, truth).mean().item<double>(), 10);  // OpenSTL: sum over C×H×W
        Assert.Equal(16 * 0.5, FrameMetrics.Mae(prediction, truth).mean().item<double>(), 10);
        Assert.Equal(10 * Math.Log10(1 / 0.25), FrameMetrics.Psnr(prediction, truth).mean().item<double>(), 10);
    }

    [Fact]
    public void The_accumulator_gives_per_horizon_curves_and_means()
    {
        using var scope = NewDisposeScope();
        // Frame t of the prediction is off by 0.1·(t+1) everywhere: the error curve grows with the horizon.
        var truth = zeros([2, 4, 1, 12, 12]);
        var offsets = arange(1, 5, dtype: ScalarType.Float32).mul(0.1f).reshape(1, 4, 1, 1, 1);
        var prediction = (truth + offsets).contiguous();
        var accumulator = new MetricAccumulator();
        accumulator.Add(prediction.narrow(0, 0, 1), truth.narrow(0, 0, 1));
        accumulator.Add(prediction.narrow(0, 1, 1), truth.narrow(0, 1, 1));
        Assert.Equal(2, accumulator.Clips);
        var mse = accumulator.Curves()["mse"];
        Assert.Equal(4, mse.Length);
        for (int t = 0; t < 4; t++) Assert.Equal(144 * Math.Pow(0.1 * (t + 1), 2), mse[t], 4);
        var psnr = accumulator.Curves()["psnr"];
        Assert.True(psnr[0] > psnr[1] && psnr[1] > psnr[2] && psnr[2] > psnr[3]);
        Assert.Equal(mse.Average(), accumulator.Means()["mse"], 10);
    }

    [Fact]
    public void Bad_input_names_the_shapes()
    {
        using var scope = NewDisposeScope();
        var a = zeros([1, 2, 1, 16, 16]);
        var b = zeros([1, 3, 1, 16, 16]);
        var e = Assert.Throws<VideoShapeException>(() => FrameMetrics.Mse(a, b));
        Assert.Contains("(1, 2, 1, 16, 16)", e.Message);
        Assert.Contains("(1, 3, 1, 16, 16)", e.Message);
        var small = zeros([1, 1, 1, 8, 8]);
        Assert.Contains("11×11", Assert.Throws<ArgumentException>(() => FrameMetrics.GaussianSsim(small, small)).Message);
        var smaller = zeros([1, 1, 1, 6, 9]);
        Assert.Contains("7×7", Assert.Throws<ArgumentException>(() => FrameMetrics.Ssim(smaller, smaller)).Message);
        Assert.False(FrameMetrics.All(smaller, smaller).ContainsKey("ssim"));  // too small for SSIM: the other metrics only
    }
}
