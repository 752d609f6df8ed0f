namespace VideoLab.Display;

/// <summary>
/// Something that shows itself as HTML in a notebook (MIME <c>text/html</c>) or on a gallery page:
/// charts, frame grids, animations, tables. The notebook kernel and the headless runner render every
/// <see cref="IHtmlView"/> this way.
/// </summary>
public interface IHtmlView
{
    /// <summary>The HTML fragment; scripts it needs (plotly.js) are requested from <paramref name="assets"/>.</summary>
    string ToHtml(HtmlAssets assets);
}

/// <summary>
/// The scripts already on a page or in a notebook session, so that each (plotly.js above all, ≈3.5 MB)
/// is inlined once: the first view that needs it carries it, later ones rely on it.
/// </summary>
public sealed class HtmlAssets
{
    readonly HashSet<string> _included = [];

    /// <summary>Returns <paramref name="html"/>() the first time <paramref name="key"/> is asked for, and "" after that.</summary>
    public string Require(string key, Func<string> html)
    {
        lock (_included) return _included.Add(key) ? html() : "";
    }

    /// <summary>True once <paramref name="key"/> has been included.</summary>
    public bool Has(string key) { lock (_included) return _included.Contains(key); }

    /// <summary>Assets for a standalone document that includes everything it needs.</summary>
    public static HtmlAssets Fresh() => new();
}
