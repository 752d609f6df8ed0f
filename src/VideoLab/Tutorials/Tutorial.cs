using System.Globalization;
using TorchSharp;
using VideoLab.Data;
using VideoLab.Display;
using VideoLab.Models;
using VideoLab.Plots;
using VideoLab.Runtime;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tutorials;

/// <summary>
/// The few lines every tutorial notebook would otherwise repeat: the mode report, budgets per mode, training a
/// registered model with a live loss chart, and reading a run back. The notebook shows the live chart:
/// <c>var live = display("…"); Tutorial.TrainPredictor("simvp", data, budget, show: live.Update)</c>.
/// </summary>
public static class Tutorial
{
    /// <summary>
    /// The mode in use, what it means and how to change it, then <see cref="Lab.Report"/>. It requires plotly.js and
    /// the page style as shared assets: the notebook engine keeps one copy of plotly.js per notebook, wherever it is needed.
    /// </summary>
    public static IHtmlView Report()
    {
        string name = Lab.Mode.ToString().ToLowerInvariant();
        string why = Environment.GetEnvironmentVariable(Lab.ModeVariable) is { Length: > 0 } ? $"set by {Lab.ModeVariable}"
                     : Lab.DefaultMode == LabMode.Ci && Lab.Mode == LabMode.Ci ? $"set by {Lab.QuickVariable}"
                     : Lab.Mode == Lab.DefaultMode ? (Lab.Device.type == DeviceType.CUDA ? "the default with CUDA" : "the default without CUDA")
                     : "chosen in this notebook";
        var rows = new[]
        {
            ("ci", "tiny models, a few dozen steps: seconds, what the tests run; nothing is learned"),
            ("cpu", "small models on 32×32 shapes, a few hundred steps: up to 9 minutes a notebook on two cores"),
            ("gpu", "the published sizes and training lengths: hours on a GPU"),
        };
        var lines = rows.Select(r => $"{(r.Item1 == name ? "→" : " ")} {r.Item1,-4} {r.Item2}");
        return HtmlBlocks.Stack(
        [
            new Fragment(assets => PlotlyJs.Require(assets) + PageStyle.Require(assets)),
            HtmlBlocks.Preformatted($"mode: {name} ({why}); to change it, edit the line Lab.Mode = …; above, e.g. Lab.Mode = LabMode.Cpu;\n" +
                                    string.Join("\n", lines) + "\n" + Lab.Report()),
        ]);
    }

    /// <summary>The value for the current mode: <c>Tutorial.PerMode(ci: 32, cpu: 256, gpu: 1_000)</c>.</summary>
    public static T PerMode<T>(T ci, T cpu, T gpu) => Lab.Mode switch
    {
        LabMode.Ci => ci,
        LabMode.Cpu => cpu,
        _ => gpu,
    };

    /// <summary>
    /// Trainer settings for a tutorial: <paramref name="ci"/>, <paramref name="cpu"/> or <paramref name="gpu"/> optimisation
    /// steps by mode (steps, not minutes, so that results do not depend on how busy the machine is); about 40 points on
    /// the live chart; gradients clipped to norm 1; in ci and cpu mode one validation at the end, on a GPU every 2,000 steps.
    /// </summary>
    public static TrainerSettings Budget(long ci, long cpu, long gpu, LrSchedule schedule = LrSchedule.Constant, long seed = 0)
    {
        long steps = PerMode(ci, cpu, gpu);
        return Lab.Mode == LabMode.Gpu
            ? new TrainerSettings(Steps: steps, Seed: seed, LogEvery: 50, ValidateEvery: 2_000, ValidationBatches: 16,
                                  CheckpointEvery: 2_000, Schedule: schedule, WarmupSteps: 1_000, SampleCount: 4, ClipGradNorm: 1.0)
            : new TrainerSettings(Steps: steps, Seed: seed, LogEvery: (int)Math.Max(1, steps / 40), ValidateEvery: 0,
                                  ValidationBatches: PerMode(2, 8, 8), CheckpointEvery: 0, Schedule: schedule,
                                  WarmupSteps: (int)Math.Max(1, steps / 10), SampleCount: 2, ClipGradNorm: 1.0);
    }

    /// <summary>Clips per training batch: 8 in ci mode, 16 otherwise (OpenSTL's batch size).</summary>
    public static int BatchSize => PerMode(8, 16, 16);

    /// <summary>
    /// Trains the registered predictor <paramref name="model"/> at this mode's size (<see cref="TutorialModels.Config"/>) on
    /// <paramref name="data"/> with <see cref="PredictionMethod"/> (Adam), into <c>runs/&lt;mode&gt;/&lt;runName&gt;</c>.
    /// </summary>
    /// <param name="model">Registry name (<c>convlstm</c>, <c>simvp</c>, …).</param>
    /// <param name="data">Training and test clips.</param>
    /// <param name="budget">Steps and schedule, usually <see cref="Budget"/>.</param>
    /// <param name="show">Receives the live view (loss chart and a status line) after every logged step.</param>
    /// <param name="label">Name in tables and legends; the model name when null.</param>
    /// <param name="sampling">Teacher-forcing schedule for recurrent models; null: the method's default.</param>
    /// <param name="learningRate">Adam's (peak) learning rate; null: 2e-3 in cpu mode (short one-cycle runs of small models), else 1e-3.</param>
    /// <param name="config">A config of the model's type instead of this mode's; fitted to the data.</param>
    /// <param name="runName">Run directory name; the model name when null.</param>
    /// <param name="chartKeys">Logged values to chart live; null: every key containing "loss".</param>
    /// <param name="criterion">The per-pixel training loss; OpenSTL's MSE by default.</param>
    public static TutorialRun TrainPredictor(string model, TutorialData data, TrainerSettings budget, Action<IHtmlView>? show = null,
                                             string? label = null, ScheduledSampling? sampling = null, double? learningRate = null,
                                             object? config = null, string? runName = null, IReadOnlyList<string>? chartKeys = null,
                                             PredictionCriterion criterion = PredictionCriterion.Mse)
    {
        Lab.Seed(budget.Seed);
        var entry = ModelRegistry.Get(model);
        var fitted = ModelSetup.FitToData(entry, config ?? TutorialModels.Config(model), data.Shape, data.Context, data.Horizon);
        var module = entry.Build(fitted).to(Lab.Device);
        var (method, settings) = PredictorMethod(module, data, sampling, learningRate, criterion);
        return Run(method, data, budget, runName ?? model, show, label ?? model, ModelSpec.Of(entry, fitted), settings,
                   validate: true, chartKeys, configure: null);
    }

    /// <summary>
    /// The notebooks' training method for a predictor (what <see cref="TrainPredictor"/> trains with, and the reference
    /// checkpoints of <see cref="ReferenceRecipes"/>): <see cref="PredictionMethod"/> with Adam at
    /// <paramref name="learningRate"/> (null: 2e-3 in cpu mode, short one-cycle runs of small models, else 1e-3), on
    /// <paramref name="data"/>'s context and horizon; the method options record the criterion, so a run's config says how it was trained.
    /// Returns the method and the settings it was built with (a run's config records them).
    /// </summary>
    public static (PredictionMethod Method, MethodSettings Settings) PredictorMethod(nn.Module module, TutorialData data, ScheduledSampling? sampling = null,
                                                   double? learningRate = null, PredictionCriterion criterion = PredictionCriterion.Mse)
    {
        var options = new Dictionary<string, string>
        {
            ["context"] = data.Context.ToString(CultureInfo.InvariantCulture),
            ["horizon"] = data.Horizon.ToString(CultureInfo.InvariantCulture),
        };
        if (criterion == PredictionCriterion.MseL1) options["criterion"] = PredictionSettings.MseL1Option;
        var settings = new MethodSettings(learningRate ?? PerMode(ci: 1e-3, cpu: 2e-3, gpu: 1e-3), Options: options);
        return (new PredictionMethod(module, settings, new PredictionSettings(data.Context, data.Horizon, sampling, Criterion: criterion)), settings);
    }

    /// <summary>
    /// Trains any <paramref name="method"/> (a GAN, a VQ-VAE, a prior) on <paramref name="data"/>'s training clips with a
    /// <see cref="Trainer"/> into <c>runs/&lt;mode&gt;/&lt;runName&gt;</c>, replacing an earlier run of that name.
    /// </summary>
    /// <param name="method">The training method; its <c>Modules["model"]</c> is the run's model.</param>
    /// <param name="data">Training clips (and test clips when <paramref name="validate"/>).</param>
    /// <param name="budget">Steps and schedule, usually <see cref="Budget"/>.</param>
    /// <param name="runName">Run directory name.</param>
    /// <param name="show">Receives the live view after every logged step.</param>
    /// <param name="label">Name in the live view; <paramref name="runName"/> when null.</param>
    /// <param name="spec">The registered model and its config, so that the run can be loaded back (<see cref="Load"/>).</param>
    /// <param name="validate">Evaluate on the test clips at the end (and every <c>ValidateEvery</c> steps).</param>
    /// <param name="chartKeys">Logged values to chart live; null: every key containing "loss".</param>
    /// <param name="configure">Subscribes to more of the trainer's events (snapshots, extra charts) before it starts.</param>
    public static TutorialRun Train(ITrainingMethod method, TutorialData data, TrainerSettings budget, string runName,
                                    Action<IHtmlView>? show = null, string? label = null, ModelSpec? spec = null, bool validate = true,
                                    IReadOnlyList<string>? chartKeys = null, Action<Trainer>? configure = null) =>
        Run(method, data, budget, runName, show, label ?? runName, spec, methodSettings: null, validate, chartKeys, configure);

    static TutorialRun Run(ITrainingMethod method, TutorialData data, TrainerSettings budget, string runName, Action<IHtmlView>? show,
                           string label, ModelSpec? spec, MethodSettings? methodSettings, bool validate,
                           IReadOnlyList<string>? chartKeys, Action<Trainer>? configure)
    {
        var model = method.Modules.TryGetValue("model", out var m) ? m : method.Modules.Values.First();
        var directory = TutorialPaths.RunDirectory(runName);
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        var dataSpec = new DataSpec(data.Name, Frames: data.Shape.Frames, Size: data.Shape.Height, Count: data.Train.Count);
        var trainer = new Trainer(method, budget) { RunDirectory = directory, Model = spec, Data = dataSpec, MethodSettings = methodSettings };
        var train = data.TrainLoader(BatchSize);
        long parameters = model.parameters().Sum(p => p.numel());
        string steps = budget.Steps is long s ? $"{s:N0} steps" : budget.Epochs is int e ? $"{e} epochs" : $"{budget.Minutes} minutes";
        string status = $"{label}: {parameters:N0} parameters, {steps} of batch {train.BatchSize}";
        show?.Invoke(HtmlBlocks.Paragraph(status + ": starting…"));
        StepReport? last = null;
        trainer.StepCompleted += r => last = r;
        configure?.Invoke(trainer);
        trainer.Logged += _ =>
        {
            var line = last is null ? status
                : $"{status}: step {last.Step}/{last.TotalSteps}, {last.Seconds:F0} s, " +
                  string.Join(", ", last.Losses.Select(kv => $"{kv.Key} {kv.Value:G4}"));
            show?.Invoke(LiveView(trainer.History, line, label, chartKeys));
        };
        var result = trainer.Fit(train, validate ? data.TestLoader(BatchSize) : null);
        show?.Invoke(LiveView(trainer.History,
            $"{status}: done, {result.Steps:N0} steps in {result.Seconds:F0} s ({result.Reason}), last loss {result.LastLosses.GetValueOrDefault("loss"):G4}",
            label, chartKeys));
        return new TutorialRun(label, model, spec, directory, [.. trainer.History], result.Steps, result.Seconds, Loaded: false);
    }

    /// <summary>
    /// Saves a model trained by a loop written in the notebook as a run (<c>runs/&lt;mode&gt;/&lt;runName&gt;</c>: config.json,
    /// metrics.jsonl with the given training losses, checkpoints/last.ckpt with the weights), so that later notebooks can
    /// <see cref="Load"/> it like any other run.
    /// </summary>
    public static TutorialRun Save(string runName, string label, nn.Module model, ModelSpec spec, TutorialData data,
                                   IReadOnlyList<(long Step, double Loss)> losses, double seconds)
    {
        long steps = losses.Count == 0 ? 0 : losses[^1].Step;
        return Save(runName, label, model, spec, data, [.. losses.Select(l => new MetricRecord(l.Step, 0, "train", seconds * l.Step / Math.Max(1, steps),
                                                                                             new Dictionary<string, double> { ["loss"] = l.Loss }))], seconds);
    }

    /// <summary>The same with any logged values (a GAN's d_loss, g_loss, d_real, d_fake).</summary>
    public static TutorialRun Save(string runName, string label, nn.Module model, ModelSpec spec, TutorialData data,
                                   IReadOnlyList<MetricRecord> history, double seconds)
    {
        var directory = TutorialPaths.RunDirectory(runName);
        long steps = history.Count == 0 ? 0 : history[^1].Step;
        // Written beside the run, then moved into place: an interrupted save never leaves a half-written run.
        var staging = directory + ".saving";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        var config = new RunConfig(spec, new DataSpec(data.Name, Frames: data.Shape.Frames, Size: data.Shape.Height, Count: data.Train.Count),
                                   new TrainerSettings(Steps: Math.Max(1, steps)), null, 0, Lab.Report(), DateTime.UtcNow);
        File.WriteAllText(Path.Combine(staging, RunFiles.Config), config.ToJson());
        foreach (var record in history) RunFiles.AppendMetric(staging, record);
        Checkpoint.Save(RunFiles.LastCheckpointPath(staging), new TrainingState(steps, 0, 0, 0, Seconds: seconds), spec,
                        new Dictionary<string, nn.Module> { ["model"] = model }, new Dictionary<string, optim.Optimizer>(), 0);
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        Directory.Move(staging, directory);
        return new TutorialRun(label, model, spec, directory, history, steps, seconds, Loaded: false);
    }

    /// <summary>A status line above the loss curves of <paramref name="history"/> (just the line while nothing is logged).</summary>
    public static IHtmlView LiveView(IReadOnlyList<MetricRecord> history, string status, string title = "Loss", IReadOnlyList<string>? keys = null)
    {
        var line = HtmlBlocks.Paragraph(status);
        var hasValues = history.Any(r => (keys ?? MetricSeries.LossKeys(history)).Any(r.Values.ContainsKey));
        return hasValues
            ? HtmlBlocks.Stack([line, LossCurves.Create(history, new LossCurveOptions { Keys = keys, Title = title, Smoothing = Lab.Quick ? 0 : 0.6 })])
            : line;
    }

    /// <summary>
    /// The run <c>runs/&lt;mode&gt;/&lt;runName&gt;</c> read back (model from its best or last checkpoint, metrics from metrics.jsonl),
    /// or null when there is no such run, it has no checkpoint, its weights do not fit the model as this VideoLab builds it
    /// (saved by an older version), or (with <paramref name="fits"/>) its predictor was built for other clips (another frame
    /// size or channel count, context or horizon). A notebook then trains the run again.
    /// </summary>
    public static TutorialRun? Load(string runName, string? label = null, TutorialData? fits = null)
    {
        var directory = TutorialPaths.RunDirectory(runName);
        if (!File.Exists(Path.Combine(directory, RunFiles.Config))) return null;
        string checkpoint;
        try { checkpoint = RunFiles.ResolveCheckpoint(directory); }
        catch (FileNotFoundException) { return null; }
        var header = Checkpoint.ReadHeader(checkpoint);
        if (header.Model is null) return null;
        if (fits is not null)
        {
            var entry = ModelRegistry.Get(header.Model.Name);
            var config = System.Text.Json.JsonSerializer.Deserialize(header.Model.ConfigJson, entry.ConfigType, ModelRegistry.Json);
            if (config is IPredictorConfig p && (p.Channels != fits.Shape.Channels || p.Height != fits.Shape.Height || p.Width != fits.Shape.Width
                                                 || p.ContextFrames != fits.Context || p.Horizon != fits.Horizon))
                return null;
        }
        ModelSpec spec;
        nn.Module model;
        try { (spec, model) = Checkpoint.LoadModel(checkpoint, Lab.Device); }
        catch (CheckpointModelMismatchException) { return null; }
        var history = RunFiles.ReadMetrics(directory);
        var lastRecord = history.LastOrDefault();
        return new TutorialRun(label ?? runName, model, spec, directory, history, lastRecord?.Step ?? header.State.Step,
                               lastRecord?.Seconds ?? header.State.Seconds, Loaded: true);
    }

    sealed class Fragment(Func<HtmlAssets, string> render) : IHtmlView
    {
        public string ToHtml(HtmlAssets assets) => render(assets);
    }
}
