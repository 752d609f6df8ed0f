using System.Reflection;
using System.Text.RegularExpressions;
using Plotly.NET;
using VideoLab.Display;

namespace VideoLab.Plots;

/// <summary>
/// plotly.js, inlined from the copy embedded in Plotly.NET (<c>Plotly.NET.plotly-2.28.0.min.js</c>), so charts
/// render with no network: in a notebook, on a gallery page opened from disk, in CI. Never a CDN link.
/// </summary>
/// <remarks>
/// <para>Loading works with and without an AMD loader on the page. plotly.js is a UMD bundle: where RequireJS
/// (<c>define.amd</c>: Jupyter's classic Notebook, nbconvert's HTML, VS Code's webviews) or CommonJS globals
/// exist, it registers a module instead of setting <c>window.Plotly</c>, and every chart then fails with
/// "Plotly is not defined". The inline script runs the bundle with <c>define</c>, <c>module</c> and
/// <c>exports</c> hidden (shadowed by parameters of a wrapping function, so the page's own loader is never
/// touched), which is what plotly.py does for the same bug (plotly/plotly.py#5504 hides them while plotly.js loads).</para>
/// <para>Charts do not assume plotly.js is already there: a chart whose script runs first (a notebook reopened
/// with its charts above the one output that carries plotly.js) queues its drawing on
/// <c>window.videolabPlotlyQueue</c>, and the plotly.js script draws the queued charts once loaded.</para>
/// </remarks>
public static partial class PlotlyJs
{
    /// <summary>The key under which pages and notebooks record that plotly.js is already present.</summary>
    public const string AssetKey = "plotly";

    /// <summary>The manifest resource name inside Plotly.NET.dll.</summary>
    public const string ResourceName = "Plotly.NET.plotly-2.28.0.min.js";

    /// <summary>An attribute on the inline script tag, so tests and readers can find (and count) it.</summary>
    public const string ScriptMarker = "data-videolab-asset=\"plotly\"";

    static readonly Lazy<string> Source = new(ReadSource);
    static readonly Lazy<string> Inline = new(() =>
        $"<script {ScriptMarker}>\nif (!window.Plotly) {{\n(function (define, module, exports) {{\n{Escape(Code)}\n}}).call(window);\n}}\n" +
        "(window.videolabPlotlyQueue || []).splice(0).forEach(function (draw) { draw(); });\n</script>\n");

    /// <summary>The minified plotly.js source (≈3.6 MB).</summary>
    public static string Code => Source.Value;

    /// <summary>The inline <c>&lt;script&gt;</c> that loads plotly.js on any page and then draws the charts waiting for it.</summary>
    public static string Script => Inline.Value;

    /// <summary>
    /// plotly.js for a view that draws charts: inlined by the first view of a page, and "" after that; in a
    /// notebook always "", the engine keeping one copy in an output of its own (see <see cref="HtmlAssets"/>).
    /// </summary>
    public static string Require(HtmlAssets assets) => assets.RequireShared(AssetKey, () => Script);

    [GeneratedRegex(@"var (?<draw>renderPlotly_[0-9a-f]+) = function\(\) \{")]
    private static partial Regex DrawFunction();

    [GeneratedRegex(@"Plotly\.newPlot\('(?<id>[^']+)'")]
    private static partial Regex PlotTarget();

    /// <summary>
    /// The chart's own div and script (Plotly.NET's <see cref="GenericChart.toChartHTML"/>, which references no
    /// plotly.js), drawing at once when plotly.js is loaded and queued until it is otherwise. If plotly.js never
    /// comes (a notebook whose plotly.js output was cleared), a note under the chart says what to do.
    /// </summary>
    public static string ChartHtml(GenericChart chart)
    {
        var html = GenericChart.toChartHTML(chart);
        var draw = DrawFunction().Match(html);
        var target = PlotTarget().Match(html);
        var call = draw.Success ? html.LastIndexOf(draw.Groups["draw"].Value + "();", StringComparison.Ordinal) : -1;
        if (!draw.Success || !target.Success || call < 0)
            throw new InvalidOperationException(
                $"Plotly.NET {typeof(GenericChart).Assembly.GetName().Version} writes chart HTML VideoLab does not recognise " +
                "(expected `var renderPlotly_<id> = function() {… Plotly.newPlot('<id>', …)}; renderPlotly_<id>();`). " +
                "VideoLab expects Plotly.NET 6.0.0; check Directory.Packages.props.");
        var name = draw.Groups["draw"].Value;
        var id = target.Groups["id"].Value;
        var deferred = $$"""
            (function (draw, id) {
              function run() { var note = document.getElementById(id + '-note'); if (note) note.remove(); draw(); }
              if (window.Plotly) { run(); return; }
              (window.videolabPlotlyQueue = window.videolabPlotlyQueue || []).push(run);
              setTimeout(function () { var note = document.getElementById(id + '-note'); if (note && !window.Plotly) note.hidden = false; }, 4000);
            })({{name}}, '{{id}}');
            """;
        var note = $"<div id=\"{id}-note\" class=\"vl-chart-note\" hidden>This chart needs plotly.js, which a notebook keeps in one " +
                   "output: the latest one that showed a chart. That output was cleared or removed; run any cell that shows a chart to bring it back.</div>";
        return note + html[..call] + deferred + html[(call + name.Length + 3)..];
    }

    static string ReadSource()
    {
        Assembly plotly = typeof(GenericChart).Assembly;
        using var stream = plotly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException(
                $"Plotly.NET {plotly.GetName().Version} has no embedded resource '{ResourceName}' " +
                $"(it has: {string.Join(", ", plotly.GetManifestResourceNames())}). VideoLab expects Plotly.NET 6.0.0; " +
                "check Directory.Packages.props.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    // A literal "</script" inside the code would end the inline tag early.
    static string Escape(string js) => js.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
}
