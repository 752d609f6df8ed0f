using Chart = Plotly.NET.CSharp.Chart;

namespace VideoLab.Plots;

/// <summary>
/// The per-horizon plot of video-prediction papers: a metric (MSE, SSIM, …) against the index of the
/// predicted frame, one line per model or run; errors grow with distance from the context.
/// </summary>
public static class HorizonChart
{
    /// <summary><paramref name="metric"/> names the metric (title, y axis); <paramref name="curves"/> holds, per model or run, its values at predicted frames 1..K.</summary>
    public static ChartView Create(string metric, IReadOnlyDictionary<string, double[]> curves, int width = 640, int height = 360)
    {
        if (curves.Count == 0) throw new ArgumentException($"No curves to plot for {metric}: pass at least one name → per-frame values.");
        var traces = curves.Select(p =>
        {
            if (p.Value.Length == 0) throw new ArgumentException($"Curve '{p.Key}' of {metric} has no values.");
            var frames = Enumerable.Range(1, p.Value.Length).ToArray();
            return Chart.Line<int, double, string>(frames, p.Value, ShowMarkers: true, Name: p.Key, UseDefaults: false);
        });
        var chart = ChartLayout.Style(Chart.Combine(traces), $"{metric} per predicted frame", "predicted frame", metric,
                                      width: width, height: height);
        return new ChartView(chart);
    }
}
