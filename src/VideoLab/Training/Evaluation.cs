using TorchSharp;
using VideoLab.Data;
using VideoLab.Metrics;
using VideoLab.Models;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>Test-set evaluation of a predictor: per-frame metrics over a loader, as overall means and per-horizon curves.</summary>
public static class Evaluation
{
    /// <summary>
    /// Predicts <paramref name="horizon"/> frames from the first <paramref name="contextFrames"/> of every clip
    /// (at most <paramref name="maxBatches"/> batches), in eval mode under <c>no_grad</c>, and accumulates
    /// <see cref="FrameMetrics"/> (SSIM only when frames are at least 11×11). <paramref name="progress"/> gets the batch count.
    /// </summary>
    public static MetricAccumulator Predictor(nn.Module model, ClipLoader loader, int contextFrames, int horizon,
                                              int? maxBatches = null, Action<int>? progress = null)
    {
        var predictor = model as IVideoPredictor ?? throw new ArgumentException($"{model.GetType().Name} is not a video predictor.");
        if (contextFrames + horizon > loader.Dataset.Shape.Frames)
            throw new ArgumentException($"Clips have {loader.Dataset.Shape.Frames} frames: too few for {contextFrames} context + {horizon} predicted.");
        var accumulator = new MetricAccumulator();
        bool ssim = loader.Dataset.Shape.Height >= 2 * Ssim.Radius + 1 && loader.Dataset.Shape.Width >= 2 * Ssim.Radius + 1;
        model.eval();
        using var noGrad = torch.no_grad();
        int batches = 0;
        foreach (var batch in loader.Epoch(0))
        {
            using var scope = NewDisposeScope();
            using var owned = batch;
            var context = batch.narrow(1, 0, contextFrames);                                   // (B, Tc, C, H, W)
            var truth = batch.narrow(1, contextFrames, horizon);                               // (B, horizon, C, H, W)
            var prediction = predictor.Predict(context, horizon).clamp(0, 1);                  // (B, horizon, C, H, W)
            var perFrame = new Dictionary<string, Tensor>
            {
                ["mse"] = FrameMetrics.Mse(prediction, truth),
                ["mae"] = FrameMetrics.Mae(prediction, truth),
                ["psnr"] = FrameMetrics.Psnr(prediction, truth),
            };
            if (ssim) perFrame["ssim"] = FrameMetrics.Ssim(prediction, truth);
            accumulator.Add(perFrame);
            progress?.Invoke(++batches);
            if (batches >= (maxBatches ?? int.MaxValue)) break;
        }
        return accumulator;
    }
}
