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
    /// <param name="withContextOutputs">Also return the outputs made while reading the context (the predictions of
    /// context frames 2 … Tc), as OpenSTL's recurrent models do for their loss over every next frame.</param>
    /// <returns>(B, horizon, C', H', W'), or (B, Tc − 1 + horizon, C', H', W') with <paramref name="withContextOutputs"/>.</returns>
    public static Tensor Autoregressive(Tensor context, int horizon, Tensor? truth, double probability,
                                        Func<Tensor, Tensor> step, bool withContextOutputs = false)
    {
        long tc = context.shape[1];
        var outputs = new List<Tensor>((int)tc + horizon);
        Tensor prediction = null!;
        for (long t = 0; t < tc; t++)
        {
            prediction = step(context.select(1, t));  // (B, C', H', W'): after the last context frame, the first future frame
            if (withContextOutputs || t == tc - 1) outputs.Add(prediction);
        }
        for (int k = 1; k < horizon; k++)
        {
            var input = truth is null || probability <= 0 ? prediction : Mix(prediction, truth.select(1, k - 1), probability);
            prediction = step(input);
            outputs.Add(prediction);
        }
        return stack(outputs, 1);  // (B, horizon or Tc − 1 + horizon, C', H', W')
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

    /// <summary>
    /// The rollout of models that map a fixed window of T frames to the next T at once (SimVP, the 3D-conv
    /// predictor): the context is fitted to T frames (its last T, or padded in front with copies of its first
    /// frame), then each pass reads the previous pass's output until <paramref name="horizon"/> frames exist.
    /// </summary>
    /// <param name="context">(B, Tc, C, H, W).</param>
    /// <param name="horizon">Frames to predict, ≥ 1.</param>
    /// <param name="window">T.</param>
    /// <param name="pass">(B, T, C, H, W) → the next (B, T, C, H, W).</param>
    /// <returns>(B, horizon, C, H, W).</returns>
    public static Tensor InWindows(Tensor context, int horizon, int window, Func<Tensor, Tensor> pass)
    {
        long tc = context.shape[1];
        var frames = tc >= window
            ? context.narrow(1, tc - window, window)                                                     // (B, T, C, H, W)
            : cat([context.narrow(1, 0, 1).expand(-1, window - tc, -1, -1, -1), context], 1);            // (B, T, C, H, W)
        var passes = new List<Tensor>();
        for (int done = 0; done < horizon; done += window)
        {
            frames = pass(frames);                                                                       // (B, T, C, H, W)
            passes.Add(frames);
        }
        return cat(passes, 1).narrow(1, 0, horizon);                                                     // (B, horizon, C, H, W)
    }
}
