using System.Globalization;
using System.Text.Json;
using TorchSharp;
using VideoLab.Data;
using VideoLab.Metrics;
using VideoLab.Models;
using VideoLab.Tests.Data;
using VideoLab.Tests.References;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tests.Metrics;

/// <summary>
/// Golden tests: VideoLab's metrics against OpenSTL's, computed by the references themselves in Debian's Python —
/// scikit-image 0.19.3 (OpenSTL's pin) called exactly as <c>openstl/core/metrics.py</c> calls it, and NumPy running
/// OpenSTL's MSE/MAE/PSNR formulas (written below from a reading of metrics.py). The frame pairs are fixed and
/// random, 16–64 pixels, 1 and 3 channels, with blurred, shifted, constant, identical and out-of-range predictions.
/// </summary>
public class OpenStlMetricsTests
{
    /// <summary>
    /// OpenSTL's metrics on float32 arrays (N, T, C, H, W), per frame and over the whole array, as metrics.py computes
    /// them: MSE and MAE on the raw predictions (mean over N and T, sum over C, H, W); the predictions clipped to [0, 1];
    /// then PSNR per frame (float32 mean squared error, 20·log10(1/√mse), +∞ when it is 0) and SSIM per frame by
    /// skimage's structural_similarity on the frame with axes 0 and 2 swapped, multichannel, everything else default.
    /// Prints JSON: {case: {"frames": {metric: [per frame, row-major over N, T]}, "overall": {metric: value}}}.
    /// </summary>
    const string Reference = """
        import json, sys, warnings
        import numpy as np
        import skimage
        from skimage.metrics import structural_similarity
        warnings.simplefilter("ignore")  # multichannel= is deprecated in 0.19 (OpenSTL still passes it)
        assert skimage.__version__ == "0.19.3", skimage.__version__

        def mse(p, t): return np.mean((p - t) ** 2, axis=(0, 1)).sum()
        def mae(p, t): return np.mean(np.abs(p - t), axis=(0, 1)).sum()
        def psnr(p, t):
            m = np.mean((p.astype(np.float32) - t.astype(np.float32)) ** 2)
            return float("inf") if m == 0 else 20.0 * np.log10(1.0 / np.sqrt(m))
        def ssim(p, t): return structural_similarity(p.swapaxes(0, 2), t.swapaxes(0, 2), multichannel=True)
        def number(x): return "inf" if np.isinf(x) else float(x)

        out = {}
        for name in sys.argv[2:]:
            pred = np.load(f"{sys.argv[1]}/{name}-pred.npy")
            true = np.load(f"{sys.argv[1]}/{name}-true.npy")
            assert pred.dtype == np.float32 and true.dtype == np.float32
            n, t = pred.shape[:2]
            frames = {"mse": [], "mae": [], "psnr": [], "ssim": []}
            clipped = np.minimum(np.maximum(pred, 0), 1)
            for b in range(n):
                for f in range(t):
                    frames["mse"].append(number(mse(pred[b:b + 1, f:f + 1], true[b:b + 1, f:f + 1])))
                    frames["mae"].append(number(mae(pred[b:b + 1, f:f + 1], true[b:b + 1, f:f + 1])))
                    frames["psnr"].append(number(psnr(clipped[b, f], true[b, f])))
                    frames["ssim"].append(number(ssim(clipped[b, f], true[b, f])))
            overall = {"mse": number(mse(pred, true)), "mae": number(mae(pred, true)),
                       "psnr": number(np.mean([psnr(clipped[b, f], true[b, f]) for b in range(n) for f in range(t)])),
                       "ssim": number(np.mean([ssim(clipped[b, f], true[b, f]) for b in range(n) for f in range(t)]))}
            out[name] = {"frames": frames, "overall": overall}
        print(json.dumps(out))
        """;

    /// <summary>
    /// The frame pairs, each <c>(2, 5, C, H, W)</c>: along T a blurred, a shifted, a constant, an identical and an
    /// out-of-range (noisy, beyond [0, 1]) prediction of the truth; clip 1 has a constant truth in the constant case.
    /// </summary>
    static Dictionary<string, (Tensor Prediction, Tensor Truth)> Cases()
    {
        var cases = new Dictionary<string, (Tensor, Tensor)> { ["fixed-3x16x20"] = Fixed() };
        var generator = new Generator(17);
        (int C, int H, int W)[] sizes = [(1, 16, 16), (3, 16, 24), (1, 20, 37), (3, 32, 32), (1, 48, 29), (3, 41, 64), (1, 64, 64), (3, 64, 64)];
        foreach (var (c, h, w) in sizes) cases[$"random-{c}x{h}x{w}"] = Random(c, h, w, generator);
        return cases;
    }

    /// <summary>A closed form (channel c, row i, column j), values in [0.05, 0.95]; the other image stands in for the blurred prediction.</summary>
    static (Tensor, Tensor) Fixed()
    {
        var i = arange(16, dtype: ScalarType.Float64).reshape(1, 16, 1);
        var j = arange(20, dtype: ScalarType.Float64).reshape(1, 1, 20);
        var c = arange(3, dtype: ScalarType.Float64).reshape(3, 1, 1);
        var x = 0.5 + 0.4 * sin(0.7 * i + 0.3 * j + c);                                          // (3, 16, 20)
        var y = 0.5 + 0.35 * sin(0.7 * i + 0.3 * j + c + 0.2) + 0.1 * cos(0.9 * j - 0.4 * i);
        var (a, b) = (x.to(ScalarType.Float32), y.to(ScalarType.Float32));
        return Kinds(stack([b, a]), stack([a, b]), new Generator(3));                              // clip 0: x predicts y; clip 1: y predicts x
    }

    /// <summary>Truth: a dark frame with bright blocks and some texture (Moving-MNIST-like); two clips.</summary>
    static (Tensor, Tensor) Random(int c, int h, int w, Generator generator)
    {
        var blocks = (rand([2, c, h / 4 + 1, w / 4 + 1], generator: generator) > 0.7).to(ScalarType.Float32);
        var big = nn.functional.interpolate(blocks, size: [4 * (h / 4 + 1), 4 * (w / 4 + 1)], mode: InterpolationMode.Nearest);
        var truth = (0.8f * big.narrow(2, 0, h).narrow(3, 0, w) + 0.2f * rand([2, c, h, w], generator: generator)).clamp(0, 1);  // (2, C, H, W)
        return Kinds(truth, null, generator);
    }

    /// <summary>Five predictions of <paramref name="truth"/> (N, C, H, W) along T: blurred (or <paramref name="given"/>), shifted, constant, identical, noisy.</summary>
    static (Tensor, Tensor) Kinds(Tensor truth, Tensor? given, Generator generator)
    {
        long n = truth.shape[0], c = truth.shape[1];
        var box = full([c, 1, 5, 5], 1f / 25);
        var blurred = given ?? nn.functional.conv2d(nn.functional.pad(truth, [2, 2, 2, 2], PaddingModes.Replicate), box, groups: c);
        var shifted = truth.roll([2, -3], [2, 3]);
        var constant = full_like(truth, 0.3f);
        var noisy = truth + 0.4f * randn(truth.shape, generator: generator);  // values beyond [0, 1]: MSE/MAE see them, PSNR/SSIM clip them
        var truths = stack([truth, truth, truth, truth, truth], 1).clone();   // (N, 5, C, H, W)
        truths[1, 2] = full_like(truth[1], 0.6f);                                // a constant truth against the constant prediction
        return (stack([blurred, shifted, constant, truth, noisy], 1).contiguous(), truths.contiguous());
    }

    static Dictionary<string, JsonElement> RunReference(Dictionary<string, (Tensor Prediction, Tensor Truth)> cases, TempFolder dir)
    {
        foreach (var (name, (prediction, truth)) in cases)
        {
            NpyTensor.Write(dir.File($"{name}-pred.npy"), prediction);
            NpyTensor.Write(dir.File($"{name}-true.npy"), truth);
        }
        var json = DebianPython.Run(Reference, [dir.Path, .. cases.Keys]);
        return JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }

    static double Number(JsonElement e) =>
        e.ValueKind == JsonValueKind.String && e.GetString() == "inf" ? double.PositiveInfinity : e.GetDouble();

    /// <summary>1e-6, relative for the MSE and MAE sums (their scale grows with the frame; OpenSTL sums in float32).</summary>
    static void Agree(double reference, double ours, string metric, string where)
    {
        if (double.IsPositiveInfinity(reference)) { Assert.True(double.IsPositiveInfinity(ours), $"{metric} {where}: OpenSTL +∞, VideoLab {ours}"); return; }
        double tolerance = metric is "mse" or "mae" ? 1e-6 * Math.Max(1, Math.Abs(reference)) : 1e-6;
        Assert.True(Math.Abs(reference - ours) <= tolerance,
                    $"{metric} {where}: OpenSTL {reference.ToString("R", CultureInfo.InvariantCulture)}, VideoLab {ours.ToString("R", CultureInfo.InvariantCulture)}");
    }

    [Fact]
    public void Every_metric_of_every_frame_matches_OpenSTL_and_scikit_image_0_19_3()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempFolder();
        var cases = Cases();
        var reference = RunReference(cases, dir);
        foreach (var (name, (prediction, truth)) in cases)
        {
            var ours = FrameMetrics.All(prediction, truth);
            Assert.Equal(FrameMetrics.Names, ours.Keys);
            foreach (var metric in FrameMetrics.Names)
            {
                var expected = reference[name].GetProperty("frames").GetProperty(metric).EnumerateArray().Select(Number).ToArray();
                var actual = ours[metric].flatten().cpu().data<double>().ToArray();  // (N·T), row-major as the reference
                Assert.Equal(expected.Length, actual.Length);
                for (int k = 0; k < expected.Length; k++) Agree(expected[k], actual[k], metric, $"{name} clip {k / 5} frame {k % 5}");
            }
        }
    }

    /// <summary>A "model" that returns fixed predictions, to run the evaluation path on chosen values.</summary>
    sealed class FixedPredictions(Tensor predictions) : nn.Module<Tensor, Tensor>(nameof(FixedPredictions)), IVideoPredictor
    {
        long _next;
        public Tensor Predict(Tensor context, int horizon, TeacherForcing? teacher = null)
        {
            var batch = predictions.narrow(0, _next, context.shape[0]);
            _next += context.shape[0];
            return batch;
        }
        public override Tensor forward(Tensor context) => Predict(context, (int)predictions.shape[1]);
    }

    [Fact]
    public void Evaluation_reports_OpenSTLs_numbers_for_a_whole_set_with_raw_MSE_and_clipped_PSNR_and_SSIM()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempFolder();
        var (prediction, truth) = Random(3, 24, 24, new Generator(5));  // (2, 5, 3, 24, 24): noisy frames leave [0, 1]
        Assert.True(prediction.max().item<float>() > 1 && prediction.min().item<float>() < 0);
        var reference = RunReference(new() { ["set"] = (prediction, truth) }, dir)["set"].GetProperty("overall");

        // Context frames are never looked at by FixedPredictions; the loader gives the truth as the clips' future.
        var clips = cat([zeros_like(truth.narrow(1, 0, 1)), truth], 1);  // (2, 6, 3, 24, 24)
        var loader = new ClipLoader(new TensorClipDataset(clips), 1, shuffle: false, dropLast: false);
        var means = Evaluation.Predictor(new FixedPredictions(prediction), loader, contextFrames: 1, horizon: 5).Means();
        foreach (var metric in FrameMetrics.Names) Agree(Number(reference.GetProperty(metric)), means[metric], metric, "over the set");
    }
}
