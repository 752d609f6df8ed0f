using TorchSharp;
using VideoLab.Data;
using VideoLab.Metrics;
using VideoLab.Models;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>Test-set evaluation of predictors: per-frame metrics over a loader, as overall means and per-horizon curves.</summary>
public static class Evaluation
{
    /// <summary>
    /// Predicts <paramref name="horizon"/> frames from the first <paramref name="contextFrames"/> of every clip
    /// (at most <paramref name="maxBatches"/> batches), in eval mode under <c>no_grad</c>, and accumulates
    /// <see cref="FrameMetrics.All"/> (OpenSTL's rules: MSE/MAE of the raw predictions, PSNR/SSIM of them clamped to [0, 1];
    /// SSIM only when frames are at least 7×7). <paramref name="progress"/> gets the batch count.
    /// </summary>
    public static MetricAccumulator Predictor(nn.Module model, ClipLoader loader, int contextFrames, int horizon,
                                              int? maxBatches = null, Action<int>? progress = null) =>
        Predictors([("model", model)], loader, contextFrames, horizon, maxBatches, progress)["model"];

    /// <summary>
    /// <see cref="Predictor"/> for several models on the same batches (one pass over the loader), by name; with
    /// <see cref="Baselines.Create"/> among them, a model's numbers stand beside copy-last-frame and all-black.
    /// <paramref name="onBatch"/> sees every batch with each model's raw predictions (to save them, for instance).
    /// </summary>
    public static IReadOnlyDictionary<string, MetricAccumulator> Predictors(
        IEnumerable<(string Name, nn.Module Model)> models, ClipLoader loader, int contextFrames, int horizon,
        int? maxBatches = null, Action<int>? progress = null, Action<Tensor, IReadOnlyDictionary<string, Tensor>>? onBatch = null)
    {
        var list = models.ToList();
        var predictors = list.Select(m => (m.Name, m.Model, Predictor: m.Model as IVideoPredictor
            ?? throw new ArgumentException($"{m.Name} ({m.Model.GetType().Name}) is not a video predictor."))).ToList();
        if (contextFrames + horizon > loader.Dataset.Shape.Frames)
            throw new ArgumentException($"Clips have {loader.Dataset.Shape.Frames} frames: too few for {contextFrames} context + {horizon} predicted.");
        var accumulators = predictors.ToDictionary(p => p.Name, _ => new MetricAccumulator());
        foreach (var p in predictors) p.Model.eval();
        using var noGrad = torch.no_grad();
        int batches = 0;
        foreach (var batch in loader.Epoch(0))
        {
            using var scope = NewDisposeScope();
            using var owned = batch;
            var context = batch.narrow(1, 0, contextFrames);                                   // (B, Tc, C, H, W)
            var truth = batch.narrow(1, contextFrames, horizon);                               // (B, horizon, C, H, W)
            var predictions = new Dictionary<string, Tensor>();
            foreach (var p in predictors)
            {
                var prediction = p.Predictor.Predict(context, horizon);                        // (B, horizon, C, H, W), raw
                accumulators[p.Name].Add(FrameMetrics.All(prediction, truth));
                predictions[p.Name] = prediction;
            }
            onBatch?.Invoke(batch, predictions);
            progress?.Invoke(++batches);
            if (batches >= (maxBatches ?? int.MaxValue)) break;
        }
        return accumulators;
    }
}
