using Plotly.NET;
using VideoLab.Display;
using VideoLab.Plots;

namespace VideoLab.Notebooks.Display;

/// <summary>
/// Plotly.NET charts as HTML that renders with no network: plotly.js is inlined from the copy
/// Plotly.NET embeds, once per notebook session, under the same key the library's own charts use
/// (<see cref="PlotlyJs"/>), so mixing both never inlines it twice. (Plotly.NET.Interactive loads it from a CDN instead.)
/// </summary>
public static class PlotlyHtml
{
    /// <summary>The chart's div and script, preceded by plotly.js the first time a session asks for it.</summary>
    public static string Chart(GenericChart chart, HtmlAssets assets) =>
        PlotlyJs.Require(assets) + GenericChart.toChartHTML(chart);
}
