namespace VideoLab.Display;

/// <summary>
/// Something that shows itself as HTML in a notebook (MIME <c>text/html</c>) or on a gallery page:
/// charts, frame grids, animations, tables. The notebook kernel and the headless runner render every
/// <see cref="IHtmlView"/> this way.
/// </summary>
public interface IHtmlView
{
    /// <summary>The HTML fragment; scripts and styles it needs (plotly.js, CSS) are requested from <paramref name="assets"/>.</summary>
    string ToHtml(HtmlAssets assets);
}

/// <summary>
/// The scripts and styles a page or a notebook already holds, so that each is included as often as it must be
/// and no more.
/// </summary>
/// <remarks>
/// Two kinds. Small ones (<see cref="Require"/>: CSS, the clip player's script) and large shared ones
/// (<see cref="RequireShared"/>: plotly.js, ≈3.6 MB). On a page (<see cref="Fresh"/>) each is inlined by the
/// first view that asks. In a notebook (<see cref="ForNotebook"/>) any output may later be cleared, re-run or
/// replaced, so each must stand alone once saved: small assets are inlined in every output that needs them,
/// and large ones never go into a view's HTML — the notebook engine takes them from <see cref="TakePending"/>
/// and keeps one copy per notebook in an output of its own, which the views find by themselves.
/// </remarks>
public sealed class HtmlAssets
{
    readonly HashSet<string> _included = [];
    readonly List<SharedAsset> _pending = [];
    readonly bool _notebook;

    /// <summary>Assets for a page, as <see cref="Fresh"/>.</summary>
    public HtmlAssets() : this(notebook: false) { }

    HtmlAssets(bool notebook) => _notebook = notebook;

    /// <summary>A small asset: on a page, <paramref name="html"/>() the first time <paramref name="key"/> is asked for and "" after; in a notebook, every time.</summary>
    public string Require(string key, Func<string> html)
    {
        if (_notebook) return html();
        lock (_included) return _included.Add(key) ? html() : "";
    }

    /// <summary>
    /// A large asset shared by many views: on a page, <paramref name="html"/>() the first time and "" after; in a
    /// notebook always "", and the asset is left in <see cref="TakePending"/> for the engine to send on its own.
    /// </summary>
    public string RequireShared(string key, Func<string> html)
    {
        lock (_included)
        {
            if (!_notebook) return _included.Add(key) ? html() : "";
            if (!_pending.Any(p => p.Key == key)) _pending.Add(new SharedAsset(key, html));
            return "";
        }
    }

    /// <summary>The shared assets asked for since the last call (notebooks only; always empty for a page).</summary>
    public IReadOnlyList<SharedAsset> TakePending()
    {
        lock (_included)
        {
            var pending = _pending.ToList();
            _pending.Clear();
            return pending;
        }
    }

    /// <summary>True once <paramref name="key"/> has been inlined into this page.</summary>
    public bool Has(string key) { lock (_included) return _included.Contains(key); }

    /// <summary>Assets for a standalone document that includes everything it needs, each once.</summary>
    public static HtmlAssets Fresh() => new(notebook: false);

    /// <summary>Assets for a notebook session: every output stands alone, large shared assets are sent by the engine.</summary>
    public static HtmlAssets ForNotebook() => new(notebook: true);
}

/// <summary>A large asset a view asked for in a notebook: its key and how to render its HTML.</summary>
public sealed record SharedAsset(string Key, Func<string> Html);
