using System.Globalization;
using TorchSharp;
using VideoLab.Metrics;
using VideoLab.Models;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>Which outputs of a predictor the training loss covers.</summary>
public enum PredictionLoss
{
    /// <summary>
    /// Every next-frame output, for models that make one after each frame they read (<see cref="INextFramePredictor"/>:
    /// the recurrent models, the video transformer): the T − 1 predictions of frames 2 … T, those made while reading
    /// the context included, as OpenSTL's recurrent methods train. Other models: the predicted future.
    /// </summary>
    AllNextFrames,
    /// <summary>The predicted future frames only (VideoLab's behaviour before it followed OpenSTL's protocol).</summary>
    Future,
}

/// <summary>What the prediction loss measures per pixel.</summary>
public enum PredictionCriterion
{
    /// <summary>Mean squared error, OpenSTL's: its optimum under uncertainty is the conditional <i>mean</i>, a blur.</summary>
    Mse,
    /// <summary>
    /// Mean squared plus mean absolute error (the L1 + L2 objective of E3D-LSTM, Wang et al. 2019). The absolute error's
    /// optimum is the conditional <i>median</i>: where a pixel is more likely background than object, exactly the background,
    /// so a hesitant model leaves a black background black instead of a faint haze (which SSIM punishes hard).
    /// </summary>
    MseL1,
}

/// <summary>How a clip is split for prediction, what the loss covers, and how teacher forcing decays.</summary>
/// <param name="ContextFrames">Frames the model sees; null = half the clip.</param>
/// <param name="Horizon">Frames it predicts after them; null = the rest of the clip.</param>
/// <param name="Sampling">Teacher-forcing schedule; null = <see cref="ScheduledSampling"/>'s defaults (1 → 0 over half the run).</param>
/// <param name="Loss">Which outputs the MSE loss covers (default: every next-frame output, as OpenSTL).</param>
/// <param name="DivergenceWeight">Weight of TAU's <see cref="DifferentialDivergence"/> term; null = the model's reference
/// (0.1 for <c>tau</c>, 0 otherwise).</param>
/// <param name="DivergenceTemperature">Its softmax temperature τ (OpenSTL: 0.1).</param>
/// <param name="Criterion">The per-pixel loss (default: OpenSTL's MSE).</param>
public sealed record PredictionSettings(int? ContextFrames = null, int? Horizon = null, ScheduledSampling? Sampling = null,
                                        PredictionLoss Loss = PredictionLoss.AllNextFrames, double? DivergenceWeight = null,
                                        double DivergenceTemperature = DifferentialDivergence.Temperature,
                                        PredictionCriterion Criterion = PredictionCriterion.Mse)
{
    /// <summary>The option value that selects <see cref="PredictionCriterion.MseL1"/> (<c>criterion=mse+l1</c>).</summary>
    public const string MseL1Option = "mse+l1";

    /// <summary>
    /// Reads the method options of <see cref="MethodSettings.Options"/>: <c>context</c>, <c>horizon</c>,
    /// <c>teacher-start</c>, <c>teacher-end</c>, <c>teacher-decay</c> (fraction of the run), <c>teacher-decay-steps</c>
    /// (steps, overrides the fraction), <c>loss</c> (<c>all</c> next frames or <c>future</c> only),
    /// <c>divergence-weight</c>, <c>divergence-temperature</c>, <c>criterion</c> (<c>mse</c> or <c>mse+l1</c>).
    /// </summary>
    public static PredictionSettings FromOptions(MethodSettings settings)
    {
        int? Int(string name) => settings.Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;
        double? Number(string name) => settings.Option(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : null;
        var d = new ScheduledSampling();
        var loss = settings.Option("loss")?.ToLowerInvariant() switch
        {
            null or "all" => PredictionLoss.AllNextFrames,
            "future" => PredictionLoss.Future,
            var other => throw new ArgumentException($"Option loss={other} is not known: use loss=all (every next-frame output, OpenSTL's) or loss=future (the predicted frames only)."),
        };
        var criterion = settings.Option("criterion")?.ToLowerInvariant() switch
        {
            null or "mse" => PredictionCriterion.Mse,
            MseL1Option => PredictionCriterion.MseL1,
            var other => throw new ArgumentException($"Option criterion={other} is not known: use criterion=mse (OpenSTL's) or criterion=mse+l1 (squared plus absolute error)."),
        };
        long? decaySteps = settings.Option("teacher-decay-steps") is { } steps ? long.Parse(steps, CultureInfo.InvariantCulture) : null;
        return new PredictionSettings(Int("context"), Int("horizon"),
            new ScheduledSampling(Number("teacher-start") ?? d.Start, Number("teacher-end") ?? d.End, Number("teacher-decay") ?? d.DecayFraction,
                                  DecaySteps: decaySteps),
            loss, Number("divergence-weight"), Number("divergence-temperature") ?? DifferentialDivergence.Temperature, criterion);
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
/// the target; the loss is OpenSTL's mean squared error, over every next-frame output for models that make one
/// after each frame they read (<see cref="INextFramePredictor"/>: recurrent models and the transformer, T − 1
/// outputs), over the predicted frames for the others (<see cref="PredictionSettings.Loss"/>), plus TAU's
/// <see cref="DifferentialDivergence"/> for <c>tau</c> (OpenSTL <c>methods/tau.py</c>).
/// Recurrent models get the true frames with a probability decaying by <see cref="ScheduledSampling"/>.
/// The optimiser is <see cref="MethodSettings.Optimizer"/>; by default Adam, or AdamW when <see cref="MethodSettings.WeightDecay"/> is set.
/// Validation reports the loss over the predicted frames (no teacher forcing), the per-frame metrics averaged (<see cref="FrameMetrics.All"/>)
/// and their per-horizon curves as <c>mse@1</c> … <c>mse@K</c> (the keys the horizon charts read), and the same for the
/// <see cref="Models.Baselines"/> on the same clips under <c>copy-last/</c> and <c>all-black/</c>.
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
        DivergenceWeight = Settings.DivergenceWeight ?? DifferentialDivergence.DefaultWeight(model);
        _optimizer = settings.CreateOptimizer(model.parameters(), settings.WeightDecay > 0 ? OptimizerKind.AdamW : OptimizerKind.Adam);
        Modules = new Dictionary<string, nn.Module> { ["model"] = model };
        Optimizers = new Dictionary<string, optim.Optimizer> { ["optimizer"] = _optimizer };
    }

    /// <summary>Copy-last-frame and all-black, scored beside the model at every validation.</summary>
    static readonly IReadOnlyList<(string Name, nn.Module Model)> Baselines = Models.Baselines.Create();

    public PredictionSettings Settings { get; }
    public ScheduledSampling Sampling { get; }
    /// <summary>Weight of TAU's differential divergence term in the loss (0: not used).</summary>
    public double DivergenceWeight { get; }
    public IReadOnlyDictionary<string, nn.Module> Modules { get; }
    public IReadOnlyDictionary<string, optim.Optimizer> Optimizers { get; }

    public IReadOnlyDictionary<string, double> TrainStep(Tensor batch, StepContext context)
    {
        var (input, future, horizon) = Split(batch);
        double p = Sampling.Probability(context.Step, context.TotalSteps);
        var teacher = p > 0 ? new TeacherForcing(future, p) : null;
        Tensor prediction, target;
        if (Settings.Loss == PredictionLoss.AllNextFrames && _predictor is INextFramePredictor stepwise)
        {
            prediction = stepwise.NextFrames(input, horizon, teacher);                      // (B, L, C, H, W), L ≤ Tc − 1 + horizon
            long end = input.shape[1] + horizon, outputs = Math.Min(prediction.shape[1], end - 1);
            target = batch.narrow(1, end - outputs, outputs);                               // frames Tc + horizon − L + 1 … Tc + horizon
        }
        else
        {
            prediction = _predictor.Predict(input, horizon, teacher);                      // (B, horizon, C, H, W)
            target = future;
        }
        CheckPrediction(prediction, target);
        var mse = nn.functional.mse_loss(prediction, target);
        var values = new Dictionary<string, double> { ["teacher_forcing"] = p };
        var loss = mse;
        if (Settings.Criterion == PredictionCriterion.MseL1)
        {
            var l1 = nn.functional.l1_loss(prediction, target);
            loss = mse + l1;
            values["l1_loss"] = l1.item<float>();
        }
        if (DivergenceWeight > 0)
        {
            var divergence = DifferentialDivergence.Loss(prediction, target, Settings.DivergenceTemperature);
            loss = loss + DivergenceWeight * divergence;
            values["divergence"] = divergence.item<float>();
        }
        if (Settings.Criterion == PredictionCriterion.MseL1 || DivergenceWeight > 0) values["mse_loss"] = mse.item<float>();  // the MSE part of a sum
        _optimizer.zero_grad();
        loss.backward();
        context.ClipAndStep(_optimizer, _module.parameters());
        values["loss"] = loss.item<float>();
        return values;
    }

    public IReadOnlyDictionary<string, double> Evaluate(Tensor batch)
    {
        var (input, future, horizon) = Split(batch);
        var prediction = _predictor.Predict(input, horizon);  // (B, horizon, C, H, W), raw: FrameMetrics.All clamps where OpenSTL does
        CheckPrediction(prediction, future);
        var values = new Dictionary<string, double> { ["loss"] = nn.functional.mse_loss(prediction, future).item<float>() };
        AddMetrics(values, "", prediction, future);
        // The baselines on the same clips, so logs, galleries and tables show the model beside them ("copy-last/mse@3", …).
        foreach (var (name, baseline) in Baselines)
            AddMetrics(values, name + "/", ((IVideoPredictor)baseline).Predict(input, horizon), future);
        return values;
    }

    /// <summary>The metrics of <see cref="FrameMetrics.All"/> averaged, and their per-horizon curves as "mse@1" … "mse@K" (k = 1: the first predicted frame), under <paramref name="prefix"/>.</summary>
    static void AddMetrics(Dictionary<string, double> values, string prefix, Tensor prediction, Tensor future)
    {
        foreach (var (name, frames) in FrameMetrics.All(prediction, future))  // each (B, horizon)
        {
            values[prefix + name] = frames.mean().item<double>();
            var curve = frames.mean([0L]).cpu().data<double>().ToArray();  // (horizon)
            for (int k = 0; k < curve.Length; k++) values[$"{prefix}{name}@{k + 1}"] = curve[k];
        }
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
