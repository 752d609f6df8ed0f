using Plotly.NET;
using VideoLab.Training;
using Chart = Plotly.NET.CSharp.Chart;

namespace VideoLab.Plots;

/// <summary>How <see cref="LossCurves"/> draws a run's losses.</summary>
public sealed record LossCurveOptions
{
    /// <summary>Value keys to draw; null: every key whose name contains "loss".</summary>
    public IReadOnlyList<string>? Keys { get; init; }
    /// <summary>Logarithmic y axis (losses falling over decades).</summary>
    public bool LogY { get; init; }
    /// <summary>EMA weight for training curves in [0, 1): 0 draws raw values; otherwise raw is drawn faint under the smoothed line.</summary>
    public double Smoothing { get; init; } = 0.6;
    /// <summary>Dotted vertical lines where each epoch starts.</summary>
    public bool EpochMarkers { get; init; } = true;
    /// <summary>Points per trace at most (min/max per bucket), so 100k-step runs stay fast.</summary>
    public int MaxPoints { get; init; } = 2000;
    public string Title { get; init; } = "Loss";
    public int Width { get; init; } = 640;
    public int Height { get; init; } = 360;
}

/// <summary>
/// Training and validation curves from metrics.jsonl: per loss key, a training line (smoothed, with the
/// raw values faint beneath) and a dashed validation line with markers, in the same colour.
/// </summary>
public static class LossCurves
{
    public static ChartView Create(IReadOnlyList<MetricRecord> records, LossCurveOptions? options = null)
    {
        options ??= new LossCurveOptions();
        var keys = options.Keys ?? MetricSeries.LossKeys(records);
        if (keys.Count == 0)
            throw new ArgumentException(
                $"No loss values to plot: the records have keys [{string.Join(", ", MetricSeries.Keys(records))}], none containing \"loss\". " +
                "Pass LossCurveOptions.Keys to choose which to draw.");

        var traces = new List<GenericChart>();
        for (int i = 0; i < keys.Count; i++)
        {
            var color = Color.fromString(ChartLayout.ColorOf(i));
            var train = MetricSeries.Of(records, keys[i], MetricSeries.Train, $"{keys[i]} (train)");
            var val = MetricSeries.Of(records, keys[i], MetricSeries.Validation, $"{keys[i]} (val)");
            traces.AddRange(TrainTraces(train, color, options));
            if (val.Count > 0)
            {
                var v = SeriesTools.Downsample(val, options.MaxPoints);
                traces.Add(Chart.Line<double, double, string>(v.X, v.Y, ShowMarkers: true, Name: v.Name,
                    LineColor: color, MarkerColor: color, LineDash: StyleParam.DrawingStyle.Dash, UseDefaults: false));
            }
        }
        if (traces.Count == 0)
            throw new ArgumentException($"None of the keys [{string.Join(", ", keys)}] occurs in the {records.Count} records.");

        var chart = ChartLayout.Style(Chart.Combine(traces), options.Title, "step", "loss",
                                      options.LogY, options.Width, options.Height);
        if (options.EpochMarkers)
        {
            var starts = MetricSeries.EpochStarts(records);
            if (starts.Count is > 0 and <= 200) chart = ChartLayout.VerticalLines(chart, starts);
        }
        return new ChartView(chart);
    }

    /// <summary>Raw (faint, no legend entry) and EMA-smoothed lines; just the raw line when not smoothing.</summary>
    internal static IEnumerable<GenericChart> TrainTraces(Series train, Color color, LossCurveOptions options)
    {
        if (train.Count == 0) yield break;
        if (options.Smoothing <= 0)
        {
            var raw = SeriesTools.Downsample(train, options.MaxPoints);
            yield return Chart.Line<double, double, string>(raw.X, raw.Y, Name: raw.Name, LineColor: color, UseDefaults: false);
            yield break;
        }
        // Smooth on the full series, then downsample each: smoothing a downsampled curve would smooth min/max pairs.
        var faint = SeriesTools.Downsample(train, options.MaxPoints);
        var smooth = SeriesTools.Downsample(train with { Y = SeriesTools.Ema(train.Y, options.Smoothing) }, options.MaxPoints);
        yield return Chart.Line<double, double, string>(faint.X, faint.Y, Name: faint.Name + " raw", ShowLegend: false,
                                                        Opacity: 0.25, LineColor: color, UseDefaults: false);
        yield return Chart.Line<double, double, string>(smooth.X, smooth.Y, Name: smooth.Name, LineColor: color, UseDefaults: false);
    }
}
