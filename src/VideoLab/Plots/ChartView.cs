using System.Text.Json.Nodes;
using Plotly.NET;
using VideoLab.Display;

namespace VideoLab.Plots;

/// <summary>
/// A Plotly.NET chart shown as HTML: a <c>div.vl-chart</c> holding the chart's div and drawing script
/// (<see cref="PlotlyJs.ChartHtml"/>), with plotly.js requested from the page or notebook (<see cref="PlotlyJs.Require"/>).
/// </summary>
public sealed class ChartView(GenericChart chart) : IHtmlView
{
    /// <summary>The Plotly.NET chart, for further styling with Plotly.NET's own API.</summary>
    public GenericChart Chart { get; } = chart;

    public string ToHtml(HtmlAssets assets) =>
        PlotlyJs.Require(assets) + "<div class=\"vl-chart\">" + PlotlyJs.ChartHtml(Chart) + "</div>\n";

    /// <summary>The figure as plotly.js JSON: <c>{"data": [...traces], "layout": {...}}</c>.</summary>
    public string ToJson() => GenericChart.toJson(Chart);

    /// <summary>The traces of the figure, parsed: one JSON object per trace (type, name, x, y, …).</summary>
    public JsonArray Traces() => JsonNode.Parse(ToJson())!["data"]!.AsArray();

    /// <summary>The figure's layout, parsed.</summary>
    public JsonObject Layout() => JsonNode.Parse(ToJson())!["layout"]!.AsObject();

    /// <summary>A one-line description for text-only displays: <see cref="ChartText.Describe"/>.</summary>
    public override string ToString() => ChartText.Describe(Chart);
}
