using VideoLab.Plots;
using VideoLab.Training;

namespace VideoLab.Sweeps;

/// <summary>What one run of a sweep reached, read from its run directory.</summary>
/// <param name="Run">The planned run.</param>
/// <param name="State">What its task recorded: done, failed, stopped, running or pending (not started).</param>
/// <param name="Directory">Its run directory.</param>
/// <param name="Steps">The last step logged.</param>
/// <param name="Values">Result columns: <c>final_K</c> and <c>best_K</c> for each validation metric K of metrics.jsonl, <c>final_train_K</c> for each training loss.</param>
/// <param name="Metrics">Every line of its metrics.jsonl.</param>
/// <param name="MonitorMetric">The validation value its trainer picked <c>best.ckpt</c> by.</param>
/// <param name="MonitorMode">"min" when lower is better, "max" when higher is.</param>
public sealed record RunResult(PlannedRun Run, string State, string Directory, long? Steps, IReadOnlyDictionary<string, double> Values,
                               IReadOnlyList<MetricRecord> Metrics, string MonitorMetric, string MonitorMode);

/// <summary>Mean and sample standard deviation of one result column over the seeds of a configuration.</summary>
public sealed record Spread(double Mean, double StandardDeviation, int Count);

/// <summary>The runs of one configuration (the same but for the seed) and the spread of each result column over them.</summary>
public sealed record ConfigurationResult(string Configuration, IReadOnlyDictionary<string, string> Axes, IReadOnlyList<RunResult> Runs,
                                         IReadOnlyDictionary<string, Spread> Values);

/// <summary>
/// The results of a sweep: every run's final and best metrics, and their mean ± standard deviation over seeds per
/// configuration. Metric names come from the runs' metrics.jsonl, whatever the trainer logged. Timings are left out
/// (they differ between machines; the numbers here do not for a CPU run of a given seed).
/// </summary>
public sealed record SweepResults(SweepPlan Plan, IReadOnlyList<RunResult> Runs, IReadOnlyList<string> Columns, IReadOnlyList<ConfigurationResult> Configurations)
{
    public static SweepResults Load(SweepDirectory sweep)
    {
        var plan = sweep.LoadPlan();
        var runs = plan.Runs.Select(r => Load(sweep, r)).ToList();
        var valKeys = Keys(runs, MetricSeries.Validation, _ => true);
        var trainKeys = Keys(runs, MetricSeries.Train, k => k.Contains("loss", StringComparison.OrdinalIgnoreCase));
        var columns = valKeys.SelectMany(k => new[] { $"final_{k}", $"best_{k}" }).Concat(trainKeys.Select(k => $"final_train_{k}")).ToList();
        var configurations = runs.GroupBy(r => r.Run.Configuration).Select(g => new ConfigurationResult(
            g.Key, g.First().Run.Axes, g.ToList(),
            columns.ToDictionary(c => c, c => SpreadOf(g.Select(r => r.Values.GetValueOrDefault(c, double.NaN)))))).ToList();
        return new SweepResults(plan, runs, columns, configurations);
    }

    /// <summary>The run with the best best-value of its monitored metric (validation loss by default), or null when none has one.</summary>
    public RunResult? BestRun() => Runs
        .Where(r => double.IsFinite(r.Values.GetValueOrDefault($"best_{r.MonitorMetric}", double.NaN)))
        .OrderBy(r => r.Values[$"best_{r.MonitorMetric}"] * (r.MonitorMode == "max" ? -1 : 1))
        .ThenBy(r => r.Run.Index)
        .FirstOrDefault();

    static RunResult Load(SweepDirectory sweep, PlannedRun run)
    {
        var directory = sweep.RunDirectory(run);
        var state = RecordedState(sweep, run);
        if (!File.Exists(Path.Combine(directory, RunFiles.Config)))
            return new RunResult(run, state, directory, null, new Dictionary<string, double>(), [], "loss", "min");
        var loaded = Training.Run.Load(directory);
        var metrics = loaded.Metrics;
        var values = new Dictionary<string, double>();
        var val = metrics.Where(m => m.Split == MetricSeries.Validation).ToList();
        // Per-horizon keys and the baselines' ("copy-last/mse", logged beside the model at each validation) are left out.
        foreach (var key in MetricSeries.Keys(val).Where(k => !HorizonMetrics.IsHorizonKey(k) && !BaselineViews.IsBaselineKey(k)))
        {
            var points = val.Where(m => m.Values.TryGetValue(key, out var v) && double.IsFinite(v)).Select(m => m.Values[key]).ToList();
            if (points.Count == 0) continue;
            values[$"final_{key}"] = points[^1];
            values[$"best_{key}"] = RunGallery.HigherIsBetter(key) ? points.Max() : points.Min();
        }
        var lastTrain = metrics.LastOrDefault(m => m.Split == MetricSeries.Train);
        foreach (var (key, value) in lastTrain?.Values ?? new Dictionary<string, double>())
            if (key.Contains("loss", StringComparison.OrdinalIgnoreCase)) values[$"final_train_{key}"] = value;
        return new RunResult(run, state, directory, metrics.Count == 0 ? null : metrics.Max(m => m.Step), values, metrics,
                             loaded.Config.Training.MonitorMetric, loaded.Config.Training.MonitorMode);
    }

    /// <summary>The state the run's task recorded (the report does not ask a scheduler, so both executors give the same report).</summary>
    static string RecordedState(SweepDirectory sweep, PlannedRun run) => sweep.LoadTaskState(run)?.Phase switch
    {
        TaskPhase.Done => SweepStatus.IsDone(sweep, run) ? SweepStatus.Done : SweepStatus.Failed,
        TaskPhase.Failed => SweepStatus.Failed,
        TaskPhase.Interrupted => SweepStatus.Stopped,
        TaskPhase.Running => SweepStatus.Running,
        _ => SweepStatus.Pending,
    };

    /// <summary>Keys of one split over all runs, in order of first appearance, per-horizon and baseline keys left out.</summary>
    static List<string> Keys(List<RunResult> runs, string split, Func<string, bool> keep) =>
        MetricSeries.Keys(runs.SelectMany(r => r.Metrics.Where(m => m.Split == split)))
            .Where(k => !HorizonMetrics.IsHorizonKey(k) && !BaselineViews.IsBaselineKey(k) && keep(k)).ToList();

    static Spread SpreadOf(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToList();
        if (v.Count == 0) return new Spread(double.NaN, double.NaN, 0);
        double mean = v.Average();
        double sd = v.Count > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1)) : double.NaN;
        return new Spread(mean, sd, v.Count);
    }
}
