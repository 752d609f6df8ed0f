using System.Reflection;
using Plotly.NET;
using VideoLab.Display;

namespace VideoLab.Notebooks.Display;

/// <summary>
/// Plotly.NET charts as HTML that renders with no network: plotly.js is inlined from the copy
/// Plotly.NET embeds, once per notebook session (Plotly.NET.Interactive loads it from a CDN instead).
/// </summary>
public static class PlotlyHtml
{
    /// <summary>The <see cref="HtmlAssets"/> key of the inlined plotly.js; views that draw Plotly charts should ask for the same one.</summary>
    public const string AssetKey = "plotly.js";

    const string ResourceName = "Plotly.NET.plotly-2.28.0.min.js";

    static readonly Lazy<string> ScriptTag = new(() =>
    {
        var assembly = typeof(GenericChart).Assembly;
        using var stream = assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException(
                $"Plotly.NET {assembly.GetName().Version} does not embed {ResourceName}; " +
                $"it has: {string.Join(", ", assembly.GetManifestResourceNames())}. Update {nameof(PlotlyHtml)}.{nameof(ResourceName)}.");
        using var reader = new StreamReader(stream);
        return "<script type=\"text/javascript\">" + reader.ReadToEnd() + "</script>";
    });

    /// <summary>A <c>&lt;script&gt;</c> element holding all of plotly.js (≈3.5 MB).</summary>
    public static string Script() => ScriptTag.Value;

    /// <summary>The chart's div and script, preceded by plotly.js the first time a session asks for it.</summary>
    public static string Chart(GenericChart chart, HtmlAssets assets) =>
        assets.Require(AssetKey, Script) + GenericChart.toChartHTML(chart);
}
