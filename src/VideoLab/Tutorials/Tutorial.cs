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
/// The few lines every tutorial notebook would otherwise repeat: the runtime report, training budgets
/// (quick or full), training a registered model with a live loss chart, and reading a run back.
/// The notebook shows the live chart: <c>var live = display("…"); Tutorial.TrainPredictor(..., live.Update)</c>.
/// </summary>
public static class Tutorial
{
    /// <summary>
    /// <see cref="Lab.Report"/> as a view. It also carries plotly.js and the page
    /// style, so that every later chart of the notebook finds them, even charts that are later replaced in place.
    /// </summary>
    public static IHtmlView Report() => HtmlBlocks.Stack(
    [
        new Fragment(assets => PlotlyJs.Require(assets) + PageStyle.Require(assets)),
        HtmlBlocks.Preformatted(Lab.Report().ToString() + $"\nquick mode: {(Lab.Quick ? "on" : "off")} ({Lab.QuickVariable})"),
    ]);

    /// <summary>
    /// Trainer settings for a tutorial: <paramref name="quickSteps"/> steps in quick mode, else
    /// <paramref name="fullSteps"/>; log every few steps so the live chart moves; validate at the end only in quick mode.
    /// </summary>
    public static TrainerSettings Budget(long quickSteps, long fullSteps, LrSchedule schedule = LrSchedule.Constant, long seed = 0) =>
        Lab.Quick
            ? new TrainerSettings(Steps: quickSteps, Seed: seed, LogEvery: (int)Math.Max(1, quickSteps / 20), ValidateEvery: 0,
                                  ValidationBatches: 2, CheckpointEvery: 0, Schedule: schedule, WarmupSteps: (int)Math.Max(1, quickSteps / 10),
                                  SampleCount: 2, ClipGradNorm: 1.0)
            : new TrainerSettings(Steps: fullSteps, Seed: seed, LogEvery: 50, ValidateEvery: 2_000, ValidationBatches: 16,
                                  CheckpointEvery: 2_000, Schedule: schedule, WarmupSteps: 1_000, SampleCount: 4, ClipGradNorm: 1.0);

    /// <summary>Batch size: small in quick mode, the usual 16 on a GPU otherwise.</summary>
    public static int BatchSize => Lab.Quick ? 8 : 16;

    /// <summary>
    /// Trains the registered predictor <paramref name="model"/> (tiny config in quick mode, the published size otherwise)
    /// on <paramref name="data"/> with <see cref="PredictionMethod"/>, writing the run to <c>runs/&lt;runName&gt;</c>.
    /// </summary>
    /// <param name="model">Registry name (<c>convlstm</c>, <c>simvp</c>, …).</param>
    /// <param name="data">Training and test clips.</param>
    /// <param name="settings">Budget and schedule, usually <see cref="Budget"/>.</param>
    /// <param name="show">Receives the live view (loss chart and a status line) after every logged step.</param>
    /// <param name="label">Name in tables and legends; the model name when null.</param>
    /// <param name="sampling">Teacher forcing schedule for recurrent models; null: the method's default (1 → 0 over half the run).</param>
    /// <param name="runName">Run directory name under <see cref="TutorialPaths.RunsRoot"/>; the model name when null.</param>
    /// <param name="learningRate">Adam's learning rate.</param>
    /// <param name="size">Model size; null: tiny in quick mode, default otherwise.</param>
    public static TutorialRun TrainPredictor(string model, TutorialData data, TrainerSettings settings, Action<IHtmlView>? show = null,
                                             string? label = null, ScheduledSampling? sampling = null, string? runName = null,
                                             double learningRate = 1e-3, ModelSize? size = null)
    {
        Lab.Seed(settings.Seed);
        var (spec, module) = ModelSetup.Build(model, size ?? (Lab.Quick ? ModelSize.Tiny : ModelSize.Default),
                                              data.Shape, data.Context, data.Horizon, Lab.Device);
        var options = new Dictionary<string, string>
        {
            ["context"] = data.Context.ToString(CultureInfo.InvariantCulture),
            ["horizon"] = data.Horizon.ToString(CultureInfo.InvariantCulture),
        };
        var methodSettings = new MethodSettings(learningRate, Options: options);
        var method = new PredictionMethod(module, methodSettings, new PredictionSettings(data.Context, data.Horizon, sampling));
        var dataSpec = new DataSpec(data.Name, Frames: data.Shape.Frames, Size: data.Shape.Height);
        return Train(label ?? model, module, spec, method, methodSettings, dataSpec, data.TrainLoader(BatchSize), data.TestLoader(BatchSize),
                     settings, runName ?? model, show);
    }

    /// <summary>
    /// Trains <paramref name="method"/> with a <see cref="Trainer"/> into <c>runs/&lt;runName&gt;</c> (replacing an earlier
    /// run of that name), showing the live view through <paramref name="show"/>.
    /// </summary>
    public static TutorialRun Train(string label, nn.Module model, ModelSpec? spec, ITrainingMethod method, MethodSettings methodSettings,
                                    DataSpec? data, ClipLoader train, ClipLoader? validation, TrainerSettings settings, string runName,
                                    Action<IHtmlView>? show = null, IReadOnlyList<string>? chartKeys = null)
    {
        var directory = Path.Combine(TutorialPaths.RunsRoot, runName);
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        var trainer = new Trainer(method, settings) { RunDirectory = directory, Model = spec, Data = data, MethodSettings = methodSettings };
        long parameters = model.parameters().Sum(p => p.numel());
        string budget = settings.Steps is long s ? $"{s} steps" : settings.Epochs is int e ? $"{e} epochs" : $"{settings.Minutes} minutes";
        string status = $"{label}: {parameters:N0} parameters, {budget}, batch {train.BatchSize}";
        show?.Invoke(HtmlBlocks.Paragraph(status + ": starting…"));
        StepReport? last = null;
        trainer.StepCompleted += r => last = r;
        trainer.Logged += _ =>
        {
            var line = last is null ? status
                : $"{status}: step {last.Step}/{last.TotalSteps}, {last.Seconds:F0} s, " +
                  string.Join(", ", last.Losses.Select(kv => $"{kv.Key} {kv.Value:G4}"));
            show?.Invoke(LiveView(trainer.History, line, label, chartKeys));
        };
        var result = trainer.Fit(train, validation);
        show?.Invoke(LiveView(trainer.History,
            $"{status}: done, {result.Steps} steps in {result.Seconds:F0} s ({result.Reason}), last loss {result.LastLosses.GetValueOrDefault("loss"):G4}",
            label, chartKeys));
        return new TutorialRun(label, model, spec, directory, [.. trainer.History], result.Steps, result.Seconds, Loaded: false);
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
    /// The run <c>runs/&lt;runName&gt;</c> read back (model from its best or last checkpoint, metrics from metrics.jsonl),
    /// or null when there is no such run or it has no checkpoint.
    /// </summary>
    public static TutorialRun? Load(string runName, string? label = null)
    {
        var directory = Path.Combine(TutorialPaths.RunsRoot, runName);
        if (!File.Exists(Path.Combine(directory, RunFiles.Config))) return null;
        string checkpoint;
        try { checkpoint = RunFiles.ResolveCheckpoint(directory); }
        catch (FileNotFoundException) { return null; }
        var (spec, model) = Checkpoint.LoadModel(checkpoint, Lab.Device);
        var history = RunFiles.ReadMetrics(directory);
        var lastRecord = history.LastOrDefault();
        return new TutorialRun(label ?? runName, model, spec, directory, history, lastRecord?.Step ?? 0, lastRecord?.Seconds ?? 0, Loaded: true);
    }

    sealed class Fragment(Func<HtmlAssets, string> render) : IHtmlView
    {
        public string ToHtml(HtmlAssets assets) => render(assets);
    }
}
