using System.Text.RegularExpressions;
using VideoLab.Training;

namespace VideoLab.Plots;

/// <summary>
/// Per-horizon metrics: a metric per predicted-frame index, logged in metrics.jsonl as
/// <c>"&lt;metric&gt;@&lt;k&gt;"</c> with k = 1 for the first predicted frame (e.g. <c>"mse@1"</c>, <c>"ssim@10"</c>).
/// </summary>
public static partial class HorizonMetrics
{
    [GeneratedRegex(@"^(?<metric>.+)@(?<k>\d+)$")]
    private static partial Regex KeyPattern();

    /// <summary>The key of <paramref name="metric"/> at predicted frame <paramref name="k"/> (1-based).</summary>
    public static string Key(string metric, int k) => $"{metric}@{k}";

    public static bool IsHorizonKey(string key) => KeyPattern().IsMatch(key);

    /// <summary>Per metric, its values at frames 1..K from one record (NaN where a frame is missing).</summary>
    public static Dictionary<string, double[]> Parse(MetricRecord record)
    {
        var byMetric = new Dictionary<string, SortedDictionary<int, double>>();
        foreach (var (key, value) in record.Values)
        {
            var m = KeyPattern().Match(key);
            if (!m.Success) continue;
            int k = int.Parse(m.Groups["k"].Value);
            if (k < 1) continue;
            var metric = m.Groups["metric"].Value;
            if (!byMetric.TryGetValue(metric, out var frames)) byMetric[metric] = frames = [];
            frames[k] = value;
        }
        return byMetric.ToDictionary(p => p.Key, p =>
        {
            var values = Enumerable.Repeat(double.NaN, p.Value.Keys.Max()).ToArray();
            foreach (var (k, v) in p.Value) values[k - 1] = v;
            return values;
        });
    }

    /// <summary>The per-horizon metrics of the last record that has any (the final evaluation), or none.</summary>
    public static Dictionary<string, double[]> Latest(IReadOnlyList<MetricRecord> records)
    {
        for (int i = records.Count - 1; i >= 0; i--)
        {
            var parsed = Parse(records[i]);
            if (parsed.Count > 0) return parsed;
        }
        return [];
    }
}
