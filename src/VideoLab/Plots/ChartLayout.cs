using Plotly.NET;

namespace VideoLab.Plots;

/// <summary>
/// Layout settings that Plotly.NET.CSharp does not expose (title, axis titles and types, shapes, size),
/// set as plotly.js layout properties on Plotly.NET's dynamic <see cref="Layout"/> object.
/// Every chart is built with <c>UseDefaults: false</c>: Plotly.NET's default template (≈20 KB of nested
/// dynamic objects) made serialising one chart take 0.3–2 s on a 2-core machine against ≈0.1 s without it,
/// and plotly.js's own defaults look clean.
/// </summary>
static class ChartLayout
{
    /// <summary>Plotly's default colour sequence, so one series keeps one colour across traces.</summary>
    public static readonly string[] Palette =
        ["#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3", "#ff6692", "#b6e880", "#ff97ff", "#fecb52"];

    public static string ColorOf(int index) => Palette[index % Palette.Length];

    /// <summary>Title, axis titles, size; <paramref name="logY"/> makes the y axis logarithmic.</summary>
    public static GenericChart Style(GenericChart chart, string title, string xTitle, string yTitle,
                                     bool logY = false, int width = 640, int height = 360)
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

    /// <summary>Sets (replaces) any top-level layout property.</summary>
    public static GenericChart With(GenericChart chart, string property, object value)
    {
        var layout = new Layout();
        layout.SetProperty(property, value);
        return GenericChart.addLayout(layout, chart);
    }

    /// <summary>Dashed vertical lines across the plot at <paramref name="xs"/> (epoch boundaries).</summary>
    public static GenericChart VerticalLines(GenericChart chart, IEnumerable<double> xs) =>
        With(chart, "shapes", xs.Select(x => new Dictionary<string, object>
        {
            ["type"] = "line", ["x0"] = x, ["x1"] = x, ["yref"] = "paper", ["y0"] = 0, ["y1"] = 1,
            ["line"] = new Dictionary<string, object> { ["color"] = "rgba(0,0,0,0.25)", ["width"] = 1, ["dash"] = "dot" },
        }).ToArray());
}
