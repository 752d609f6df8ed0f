using System.Globalization;
using TorchSharp;
using VideoLab.Metrics;
using VideoLab.Models;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>How a clip is split for prediction, and how teacher forcing decays.</summary>
/// <param name="ContextFrames">Frames the model sees; null = half the clip.</param>
/// <param name="Horizon">Frames it predicts after them; null = the rest of the clip.</param>
/// <param name="Sampling">Teacher-forcing schedule; null = <see cref="ScheduledSampling"/>'s defaults (1 → 0 over half the run).</param>
public sealed record PredictionSettings(int? ContextFrames = null, int? Horizon = null, ScheduledSampling? Sampling = null)
{
    /// <summary>
    /// Reads the method options of <see cref="MethodSettings.Options"/>: <c>context</c>, <c>horizon</c>,
    /// <c>teacher-start</c>, <c>teacher-end</c>, <c>teacher-decay</c> (fraction of the run).
    /// </summary>
    public static PredictionSettings FromOptions(MethodSettings settings)
    {
        int? Int(string name) => settings.Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;
        double Double(string name, double fallback) => settings.Option(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var d = new ScheduledSampling();
        return new PredictionSettings(Int("context"), Int("horizon"),
            new ScheduledSampling(Double("teacher-start", d.Start), Double("teacher-end", d.End), Double("teacher-decay", d.DecayFraction)));
    }

    /// <summary>(context, horizon) for clips of <paramref name="frames"/> frames, or an error saying what does not fit.</summary>
    public (int Context, int Horizon) Split(long frames)
    {
        int context = ContextFrames ?? (Horizon is int h0 ? (int)frames - h0 : (int)frames / 2);
        int horizon = Horizon ?? (int)frames - context;
        if (context < 1 || horizon < 1 || context + horizon > frames)
            throw new ArgumentException(
                $"Clips have {frames} frames, which cannot be split into {context} context + {horizon} predicted frames. " +
                "Use more frames (--frames) or a shorter --context / --horizon.");
        return (context, horizon);
    }
}

/// <summary>
/// Trains any <see cref="IVideoPredictor"/>: the first frames of a clip are the context, the next ones
/// the target; the loss is the mean squared error over the predicted frames (OpenSTL's MSE loss).
/// Recurrent models get the true frames with a probability decaying by <see cref="ScheduledSampling"/>.
/// The optimiser is Adam, or AdamW when <see cref="MethodSettings.WeightDecay"/> is set.
/// Validation reports the loss (no teacher forcing), the per-frame metrics averaged (<see cref="FrameMetrics"/>)
/// and their per-horizon curves as <c>mse@1</c> … <c>mse@K</c> (the keys the horizon charts read).
/// </summary>
public sealed class PredictionMethod : ITrainingMethod, ISampleMethod
{
    readonly nn.Module _module;
    readonly IVideoPredictor _predictor;
    readonly optim.Optimizer _optimizer;

    /// <param name="model">The predictor, already on its device; a module implementing <see cref="IVideoPredictor"/>.</param>
    /// <param name="settings">Learning rate, weight decay, and the options <see cref="PredictionSettings.FromOptions"/> reads.</param>
    /// <param name="prediction">Context/horizon and teacher forcing; overrides the options when given.</param>
    public PredictionMethod(nn.Module model, MethodSettings settings, PredictionSettings? prediction = null)
    {
        _module = model;
        _predictor = model as IVideoPredictor ?? throw new ArgumentException(
            $"PredictionMethod trains video predictors; {model.GetType().Name} does not implement IVideoPredictor.");
        Settings = prediction ?? PredictionSettings.FromOptions(settings);
        Sampling = Settings.Sampling ?? new ScheduledSampling();
        _optimizer = settings.WeightDecay > 0
            ? optim.AdamW(model.parameters(), lr: settings.LearningRate, weight_decay: settings.WeightDecay)
            : optim.Adam(model.parameters(), lr: settings.LearningRate);
        Modules = new Dictionary<string, nn.Module> { ["model"] = model };
        Optimizers = new Dictionary<string, optim.Optimizer> { ["optimizer"] = _optimizer };
    }

    public PredictionSettings Settings { get; }
    public ScheduledSampling Sampling { get; }
    public IReadOnlyDictionary<string, nn.Module> Modules { get; }
    public IReadOnlyDictionary<string, optim.Optimizer> Optimizers { get; }

    public IReadOnlyDictionary<string, double> TrainStep(Tensor batch, StepContext context)
    {
        var (input, future, horizon) = Split(batch);
        double p = Sampling.Probability(context.Step, context.TotalSteps);
        var prediction = _predictor.Predict(input, horizon, p > 0 ? new TeacherForcing(future, p) : null);  // (B, horizon, C, H, W)
        CheckPrediction(prediction, future);
        var loss = nn.functional.mse_loss(prediction, future);
        _optimizer.zero_grad();
        loss.backward();
        context.ClipAndStep(_optimizer, _module.parameters());
        return new Dictionary<string, double> { ["loss"] = loss.item<float>(), ["teacher_forcing"] = p };
    }

    public IReadOnlyDictionary<string, double> Evaluate(Tensor batch)
    {
        var (input, future, horizon) = Split(batch);
        var prediction = _predictor.Predict(input, horizon).clamp(0, 1);  // (B, horizon, C, H, W); metrics assume [0, 1]
        CheckPrediction(prediction, future);
        var values = new Dictionary<string, double> { ["loss"] = nn.functional.mse_loss(prediction, future).item<float>() };
        var perFrame = new Dictionary<string, Tensor>
        {
            ["mse"] = FrameMetrics.Mse(prediction, future),    // (B, horizon)
            ["mae"] = FrameMetrics.Mae(prediction, future),
            ["psnr"] = FrameMetrics.Psnr(prediction, future),
        };
        if (future.shape[3] >= 2 * Ssim.Radius + 1 && future.shape[4] >= 2 * Ssim.Radius + 1)
            perFrame["ssim"] = FrameMetrics.Ssim(prediction, future);
        foreach (var (name, frames) in perFrame)
        {
            values[name] = frames.mean().item<double>();
            // The per-horizon curve, as "mse@1" … "mse@K" (k = 1: the first predicted frame), for the horizon charts.
            var curve = frames.mean([0L]).cpu().data<double>().ToArray();  // (horizon)
            for (int k = 0; k < curve.Length; k++) values[$"{name}@{k + 1}"] = curve[k];
        }
        return values;
    }

    /// <summary>"truth": the clips; "prediction": the same context followed by the predicted frames.</summary>
    public IReadOnlyDictionary<string, Tensor> Samples(Tensor batch)
    {
        var (input, future, horizon) = Split(batch);
        var prediction = _predictor.Predict(input, horizon).clamp(0, 1);  // (B, horizon, C, H, W)
        return new Dictionary<string, Tensor>
        {
            ["truth"] = cat([input, future], 1),      // (B, context + horizon, C, H, W)
            ["prediction"] = cat([input, prediction], 1),
        };
    }

    (Tensor Context, Tensor Future, int Horizon) Split(Tensor batch)
    {
        VideoShape.Check(batch, "PredictionMethod batch");
        var (context, horizon) = Settings.Split(batch.shape[1]);
        return (batch.narrow(1, 0, context), batch.narrow(1, context, horizon), horizon);  // (B, Tc, …), (B, horizon, …)
    }

    static void CheckPrediction(Tensor prediction, Tensor future)
    {
        if (!prediction.shape.SequenceEqual(future.shape))
            throw new VideoShapeException(
                $"The model predicted {VideoShape.Format(prediction.shape)} but the data's future frames are {VideoShape.Format(future.shape)} " +
                "(B, T, C, H, W): check the model's channels and frame size against the data (--image-size, the dataset's channels).");
    }
}
