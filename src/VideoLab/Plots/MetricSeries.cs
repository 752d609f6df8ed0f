using VideoLab.Training;

namespace VideoLab.Plots;

/// <summary>Reads curves out of a run's <see cref="MetricRecord"/>s (metrics.jsonl).</summary>
public static class MetricSeries
{
    /// <summary>Splits the trainer writes: training steps and validation passes.</summary>
    public const string Train = "train", Validation = "val";

    /// <summary>
    /// Value of <paramref name="key"/> against step, over the records of one split that have it. Non-finite values
    /// (NaN/Inf are written as null in metrics.jsonl) are left out: a diverged step leaves a gap, not a broken chart.
    /// </summary>
    public static Series Of(IEnumerable<MetricRecord> records, string key, string split, string? name = null)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var r in records)
            if (r.Split == split && r.Values.TryGetValue(key, out var v) && double.IsFinite(v))
            {
                xs.Add(r.Step);
                ys.Add(v);
            }
        return new Series(name ?? $"{key} ({split})", [.. xs], [.. ys]);
    }

    /// <summary>Every value key in the records, in order of first appearance.</summary>
    public static List<string> Keys(IEnumerable<MetricRecord> records)
    {
        var keys = new List<string>();
        var seen = new HashSet<string>();
        foreach (var r in records)
            foreach (var k in r.Values.Keys)
                if (seen.Add(k)) keys.Add(k);
        return keys;
    }

    /// <summary>The loss keys: every key whose name contains "loss" (train or val), per-horizon keys excluded.</summary>
    public static List<string> LossKeys(IEnumerable<MetricRecord> records) =>
        Keys(records).Where(k => k.Contains("loss", StringComparison.OrdinalIgnoreCase) && !HorizonMetrics.IsHorizonKey(k)).ToList();

    /// <summary>The step at which each epoch after the first starts (first training record of that epoch).</summary>
    public static List<double> EpochStarts(IEnumerable<MetricRecord> records)
    {
        var starts = new List<double>();
        int? epoch = null;
        foreach (var r in records.Where(r => r.Split == Train).OrderBy(r => r.Step))
        {
            if (epoch is int e && r.Epoch != e) starts.Add(r.Step);
            epoch = r.Epoch;
        }
        return starts;
    }
}
