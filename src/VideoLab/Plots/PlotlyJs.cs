using System.Reflection;
using Plotly.NET;
using VideoLab.Display;

namespace VideoLab.Plots;

/// <summary>
/// plotly.js, inlined from the copy embedded in Plotly.NET (<c>Plotly.NET.plotly-2.28.0.min.js</c>), so charts
/// render with no network: in a notebook, on a gallery page opened from disk, in CI. Never a CDN link.
/// </summary>
public static class PlotlyJs
{
    /// <summary>The key under which pages and notebooks record that plotly.js is already present.</summary>
    public const string AssetKey = "plotly";

    /// <summary>The manifest resource name inside Plotly.NET.dll.</summary>
    public const string ResourceName = "Plotly.NET.plotly-2.28.0.min.js";

    /// <summary>An attribute on the inline script tag, so tests and readers can find (and count) it.</summary>
    public const string ScriptMarker = "data-videolab-asset=\"plotly\"";

    static readonly Lazy<string> Source = new(ReadSource);

    /// <summary>The minified plotly.js source (≈3.5 MB).</summary>
    public static string Code => Source.Value;

    /// <summary>The inline <c>&lt;script&gt;</c> the first time a page or notebook asks, "" after that.</summary>
    public static string Require(HtmlAssets assets) =>
        assets.Require(AssetKey, () => $"<script {ScriptMarker}>\n{Escape(Code)}\n</script>\n");

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
