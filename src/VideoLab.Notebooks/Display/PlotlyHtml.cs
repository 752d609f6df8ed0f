using Plotly.NET;
using VideoLab.Display;
using VideoLab.Plots;

namespace VideoLab.Notebooks.Display;

/// <summary>
/// Plotly.NET charts as HTML that renders with no network, exactly as the library's <see cref="ChartView"/>
/// renders them: plotly.js from the copy Plotly.NET embeds, one copy per notebook (see <see cref="PlotlyJs"/>).
/// (Plotly.NET.Interactive loads it from a CDN instead.)
/// </summary>
public static class PlotlyHtml
{
    /// <summary>The chart's div and script; plotly.js is requested from <paramref name="assets"/>.</summary>
    public static string Chart(GenericChart chart, HtmlAssets assets) => new ChartView(chart).ToHtml(assets);
}
