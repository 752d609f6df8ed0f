using Plotly.NET;
using VideoLab.Display;
using VideoLab.Training;
using Chart = Plotly.NET.CSharp.Chart;

namespace VideoLab.Plots;

/// <summary>The metrics.jsonl keys a GAN training method logs (defaults: <c>d_loss</c>, <c>g_loss</c>, <c>d_real</c>, <c>d_fake</c>).</summary>
public sealed record GanKeys(string DLoss = "d_loss", string GLoss = "g_loss", string DReal = "d_real", string DFake = "d_fake");

/// <summary>
/// GAN training dynamics, two charts side by side: discriminator and generator losses, and the mean
/// discriminator output on real and on generated clips (D(real) → 1 and D(fake) → 0 means D is winning;
/// both near 0.5 is the equilibrium of Goodfellow et al. 2014).
/// </summary>
public sealed class GanDynamics(ChartView losses, ChartView discriminator) : IHtmlView
{
    public ChartView Losses { get; } = losses;
    public ChartView Discriminator { get; } = discriminator;

    public string ToHtml(HtmlAssets assets) => HtmlBlocks.Row(Losses, Discriminator).ToHtml(assets);

    /// <summary>Both charts from metrics.jsonl records; <paramref name="smoothing"/> is the EMA weight of all four curves (GAN losses are noisy).</summary>
    public static GanDynamics Create(IReadOnlyList<MetricRecord> records, GanKeys? keys = null, double smoothing = 0.6, int maxPoints = 2000)
    {
        keys ??= new GanKeys();
        return new GanDynamics(
            Lines(records, [keys.DLoss, keys.GLoss], smoothing, maxPoints, "GAN losses", "loss", yRange: null),
            Lines(records, [keys.DReal, keys.DFake], smoothing, maxPoints, "Discriminator output", "mean D(x)", yRange: [0, 1]));
    }

    static ChartView Lines(IReadOnlyList<MetricRecord> records, string[] keys, double smoothing, int maxPoints,
                           string title, string yTitle, double[]? yRange)
    {
        var traces = new List<GenericChart>();
        for (int i = 0; i < keys.Length; i++)
        {
            var series = MetricSeries.Of(records, keys[i], MetricSeries.Train, keys[i]);
            if (series.Count == 0)
                throw new ArgumentException($"No training records have '{keys[i]}' (keys present: {string.Join(", ", MetricSeries.Keys(records))}). " +
                                            "Pass GanKeys naming the keys your GAN method logs.");
            var options = new LossCurveOptions { Smoothing = smoothing, MaxPoints = maxPoints };
            traces.AddRange(LossCurves.TrainTraces(series, Color.fromString(ChartLayout.ColorOf(i)), options));
        }
        var chart = ChartLayout.Style(Chart.Combine(traces), title, "step", yTitle, width: 480);
        if (yRange is not null)
            chart = ChartLayout.With(chart, "yaxis", new Dictionary<string, object>
            {
                ["title"] = new Dictionary<string, object> { ["text"] = yTitle }, ["range"] = yRange,
            });
        return new ChartView(chart);
    }
}
