using Plotly.NET;
using VideoLab.Metrics;
using VideoLab.Plots;
using Chart = Plotly.NET.CSharp.Chart;

namespace VideoLab.Tutorials;

/// <summary>Small generic charts the tutorials need beside the library's own (lines, bars, histograms, heatmaps).</summary>
public static class Charts
{
    /// <summary>One line per entry of <paramref name="series"/> (name → x and y values); optional dotted vertical lines at <paramref name="markers"/>.</summary>
    public static ChartView Lines(string title, string xTitle, string yTitle, IReadOnlyDictionary<string, (double[] X, double[] Y)> series,
                                  IEnumerable<double>? markers = null, bool logY = false, int width = 640, int height = 360)
    {
        if (series.Count == 0) throw new ArgumentException($"{title}: no series to plot.");
        var traces = series.Select(p => Chart.Line<double, double, string>(p.Value.X, p.Value.Y, ShowMarkers: p.Value.X.Length <= 40, Name: p.Key));
        var chart = ChartLayout.Style(Chart.Combine(traces), title, xTitle, yTitle, logY, width, height);
        if (markers is not null) chart = ChartLayout.VerticalLines(chart, markers);
        return new ChartView(chart);
    }

    /// <summary>One line per entry, x = 1, 2, …</summary>
    public static ChartView Lines(string title, string xTitle, string yTitle, IReadOnlyDictionary<string, double[]> series,
                                  IEnumerable<double>? markers = null, bool logY = false) =>
        Lines(title, xTitle, yTitle, series.ToDictionary(p => p.Key, p => (Enumerable.Range(1, p.Value.Length).Select(i => (double)i).ToArray(), p.Value)),
              markers, logY);

    /// <summary>A bar per label.</summary>
    public static ChartView Bars(string title, string yTitle, IReadOnlyList<string> labels, IReadOnlyList<double> values, int width = 640, int height = 360) =>
        new(ChartLayout.Style(Chart.Column<double, string, string>(values.ToArray(), labels.ToArray()), title, "", yTitle, false, width, height));

    /// <summary>Grouped bars: one group per label, one bar per series.</summary>
    public static ChartView GroupedBars(string title, string yTitle, IReadOnlyList<string> labels, IReadOnlyDictionary<string, double[]> series,
                                       int width = 640, int height = 360) =>
        new(ChartLayout.Style(Chart.Combine(series.Select(p => Chart.Column<double, string, string>(p.Value, labels.ToArray(), Name: p.Key))),
                  title, "", yTitle, false, width, height));

    /// <summary>Normalised histograms of each sample set over [0, 1] in <paramref name="bins"/> bins (fraction of values per bin).</summary>
    public static ChartView Histogram(string title, IReadOnlyDictionary<string, float[]> samples, int bins = 32, bool logY = true)
    {
        var centres = Enumerable.Range(0, bins).Select(i => (i + 0.5) / bins).ToArray();
        var series = samples.ToDictionary(p => p.Key, p =>
        {
            var counts = new double[bins];
            foreach (var v in p.Value) counts[Math.Clamp((int)(v * bins), 0, bins - 1)]++;
            return (centres, counts.Select(c => c / Math.Max(1, p.Value.Length)).ToArray());
        });
        return Lines(title, "pixel value", "fraction of pixels", series, logY: logY);
    }

    /// <summary>Points, one marker trace per entry of <paramref name="series"/> (name → x and y values), on equal axes when <paramref name="square"/>.</summary>
    public static ChartView Scatter(string title, string xTitle, string yTitle, IReadOnlyDictionary<string, (double[] X, double[] Y)> series,
                                    bool square = true, int width = 520, int height = 480)
    {
        if (series.Count == 0) throw new ArgumentException($"{title}: no series to plot.");
        var traces = series.Select(p => Chart.Scatter<double, double, string>(p.Value.X, p.Value.Y, StyleParam.Mode.Markers, Name: p.Key,
                                                                               MarkerSymbol: StyleParam.MarkerSymbol.Circle, UseDefaults: false));
        var chart = ChartLayout.Style(Chart.Combine(traces), title, xTitle, yTitle, false, width, height);
        if (square)
            chart = ChartLayout.With(chart, "yaxis", new Dictionary<string, object>
            {
                ["title"] = new Dictionary<string, object> { ["text"] = yTitle }, ["scaleanchor"] = "x", ["scaleratio"] = 1,
            });
        return new ChartView(chart);
    }

    /// <summary>
    /// A confusion matrix as a heatmap: true classes down, predicted classes across, each cell labelled with its count,
    /// and the accuracy in the title.
    /// </summary>
    public static ChartView Confusion(ConfusionMatrix matrix, string title, int size = 360)
    {
        int k = matrix.Classes.Count;
        var z = Enumerable.Range(0, k).Select(t => Enumerable.Range(0, k).Select(p => (double)matrix.Counts[t, p]).ToArray()).ToArray();
        var chart = Chart.Heatmap<double, string, string, string>(z, X: matrix.Classes.ToArray(), Y: matrix.Classes.ToArray(),
                                                                ReverseYAxis: true, UseDefaults: false);
        double max = Math.Max(1, z.Max(r => r.Max()));
        var labels = Enumerable.Range(0, k).SelectMany(t => Enumerable.Range(0, k).Select(p => new Dictionary<string, object>
        {
            ["x"] = matrix.Classes[p], ["y"] = matrix.Classes[t], ["text"] = matrix.Counts[t, p].ToString(), ["showarrow"] = false,
            ["font"] = new Dictionary<string, object> { ["color"] = matrix.Counts[t, p] > max / 2 ? "white" : "black" },
        })).ToArray();
        chart = ChartLayout.With(ChartLayout.Style(chart, $"{title}: accuracy {matrix.Accuracy:P0}", "predicted class", "true class",
                                                   false, size + 120, size), "annotations", labels);
        chart = ChartLayout.With(chart, "yaxis", new Dictionary<string, object>
        {
            ["title"] = new Dictionary<string, object> { ["text"] = "true class" }, ["autorange"] = "reversed",
        });
        return new ChartView(chart);
    }

    /// <summary>A heatmap of <paramref name="values"/> (rows top to bottom, as an image).</summary>
    public static ChartView Heatmap(string title, double[,] values, int size = 360)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var z = Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, cols).Select(c => values[r, c]).ToArray()).ToArray();
        var chart = Chart.Heatmap<double, int, int, string>(z, ReverseYAxis: true);
        return new ChartView(ChartLayout.Style(chart, title, "x", "y", false, size + 80, size));
    }
}
