using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// The autoregressive loop shared by the recurrent predictors (ConvLSTM, ConvGRU, PredRNN, FrameRnn):
/// read the context one frame at a time, then feed each prediction back as the next input, for any
/// horizon. With teacher forcing, each sample feeds the true frame instead of its own prediction with
/// probability p (p = 1: teacher forcing; p falling from 1 to 0 over training: scheduled sampling,
/// Bengio et al. 2015, as OpenSTL's recurrent methods do).
/// </summary>
public static class Rollout
{
    /// <summary>
    /// Runs <paramref name="step"/> (one input frame → the prediction of the next frame; the caller's
    /// closure keeps the recurrent state) over the context, then <paramref name="horizon"/> − 1 more times.
    /// </summary>
    /// <param name="context">(B, Tc, C', H', W') in the model's frame space (e.g. patched).</param>
    /// <param name="horizon">Frames to predict, ≥ 1.</param>
    /// <param name="truth">(B, horizon, C', H', W') true future frames for teacher forcing, or null.</param>
    /// <param name="probability">Probability of feeding the true frame instead of the prediction.</param>
    /// <param name="step">(B, C', H', W') → (B, C', H', W').</param>
    /// <returns>(B, horizon, C', H', W').</returns>
    public static Tensor Autoregressive(Tensor context, int horizon, Tensor? truth, double probability,
                                        Func<Tensor, Tensor> step)
    {
        Tensor prediction = null!;
        for (long t = 0; t < context.shape[1]; t++)
            prediction = step(context.select(1, t));  // (B, C', H', W'): after the last context frame, the first future frame
        var outputs = new List<Tensor>(horizon) { prediction };
        for (int k = 1; k < horizon; k++)
        {
            var input = truth is null || probability <= 0 ? prediction : Mix(prediction, truth.select(1, k - 1), probability);
            prediction = step(input);
            outputs.Add(prediction);
        }
        return stack(outputs, 1);  // (B, horizon, C', H', W')
    }

    /// <summary>Per sample: the true frame with probability p, otherwise the prediction. Both (B, …).</summary>
    public static Tensor Mix(Tensor prediction, Tensor truth, double probability)
    {
        if (probability >= 1) return truth;
        var shape = new long[prediction.dim()];
        Array.Fill(shape, 1L);
        shape[0] = prediction.shape[0];
        var useTruth = rand(prediction.shape[0], device: prediction.device).lt(probability).reshape(shape);  // (B, 1, 1, 1)
        return where(useTruth, truth, prediction);
    }
}
