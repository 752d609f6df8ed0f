using Plotly.NET;
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
        var chart = Style(Chart.Combine(traces), title, xTitle, yTitle, logY, width, height);
        if (markers is not null) chart = VerticalLines(chart, markers);
        return new ChartView(chart);
    }

    /// <summary>One line per entry, x = 1, 2, …</summary>
    public static ChartView Lines(string title, string xTitle, string yTitle, IReadOnlyDictionary<string, double[]> series,
                                  IEnumerable<double>? markers = null, bool logY = false) =>
        Lines(title, xTitle, yTitle, series.ToDictionary(p => p.Key, p => (Enumerable.Range(1, p.Value.Length).Select(i => (double)i).ToArray(), p.Value)),
              markers, logY);

    /// <summary>A bar per label.</summary>
    public static ChartView Bars(string title, string yTitle, IReadOnlyList<string> labels, IReadOnlyList<double> values, int width = 640, int height = 360) =>
        new(Style(Chart.Column<double, string, string>(values.ToArray(), labels.ToArray()), title, "", yTitle, false, width, height));

    /// <summary>Grouped bars: one group per label, one bar per series.</summary>
    public static ChartView GroupedBars(string title, string yTitle, IReadOnlyList<string> labels, IReadOnlyDictionary<string, double[]> series,
                                       int width = 640, int height = 360) =>
        new(Style(Chart.Combine(series.Select(p => Chart.Column<double, string, string>(p.Value, labels.ToArray(), Name: p.Key))),
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

    /// <summary>A heatmap of <paramref name="values"/> (rows top to bottom, as an image).</summary>
    public static ChartView Heatmap(string title, double[,] values, int size = 360)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var z = Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, cols).Select(c => values[r, c]).ToArray()).ToArray();
        var chart = Chart.Heatmap<double, int, int, string>(z, ReverseYAxis: true);
        return new ChartView(Style(chart, title, "x", "y", false, size + 80, size));
    }

    static GenericChart Style(GenericChart chart, string title, string xTitle, string yTitle, bool logY, int width, int height)
    {
        var layout = new Layout();
        layout.SetProperty("title", new Dictionary<string, object> { ["text"] = title });
        layout.SetProperty("xaxis", new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = xTitle } });
        var yaxis = new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = yTitle } };
        if (logY) yaxis["type"] = "log";
        layout.SetProperty("yaxis", yaxis);
        layout.SetProperty("width", width);
        layout.SetProperty("height", height);
        layout.SetProperty("margin", new Dictionary<string, object> { ["l"] = 60, ["r"] = 20, ["t"] = 50, ["b"] = 50 });
        return GenericChart.addLayout(layout, chart);
    }

    static GenericChart VerticalLines(GenericChart chart, IEnumerable<double> xs)
    {
        var layout = new Layout();
        layout.SetProperty("shapes", xs.Select(x => new Dictionary<string, object>
        {
            ["type"] = "line", ["x0"] = x, ["x1"] = x, ["yref"] = "paper", ["y0"] = 0, ["y1"] = 1,
            ["line"] = new Dictionary<string, object> { ["color"] = "rgba(0,0,0,0.4)", ["width"] = 1.5, ["dash"] = "dot" },
        }).ToArray());
        return GenericChart.addLayout(layout, chart);
    }
}
