using System.Net;
using VideoLab.Display;

namespace VideoLab.Plots;

/// <summary>Small HTML building blocks for pages and notebook outputs: headings, rows, tables, preformatted text.</summary>
public static class HtmlBlocks
{
    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Any HTML fragment as a view (trusted input only: it is not escaped).</summary>
    public static IHtmlView Raw(string html) => new Fragment(_ => html);

    public static IHtmlView Heading(string text, int level = 2) => new Fragment(_ => $"<h{level}>{Encode(text)}</h{level}>\n");

    public static IHtmlView Paragraph(string text) => new Fragment(_ => $"<p>{Encode(text)}</p>\n");

    public static IHtmlView Preformatted(string text, string? summary = null) => new Fragment(_ =>
        summary is null ? $"<pre class=\"vl-pre\">{Encode(text)}</pre>\n"
                        : $"<details><summary>{Encode(summary)}</summary><pre class=\"vl-pre\">{Encode(text)}</pre></details>\n");

    /// <summary>Views side by side, wrapping onto the next line when the page is narrow.</summary>
    public static IHtmlView Row(IEnumerable<IHtmlView> views) => new Fragment(assets =>
        "<div class=\"vl-row\">" + string.Concat(views.Select(v => "<div class=\"vl-cell\">" + v.ToHtml(assets) + "</div>")) + "</div>\n");

    public static IHtmlView Row(params IHtmlView[] views) => Row((IEnumerable<IHtmlView>)views);

    /// <summary>A table; cells are escaped text.</summary>
    public static IHtmlView Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows) => new Fragment(_ =>
        "<table class=\"vl-table\"><thead><tr>" + string.Concat(headers.Select(h => $"<th>{Encode(h)}</th>")) + "</tr></thead><tbody>" +
        string.Concat(rows.Select(r => "<tr>" + string.Concat(r.Select(c => $"<td>{Encode(c)}</td>")) + "</tr>")) +
        "</tbody></table>\n");

    /// <summary>A list of links (relative or absolute URLs) with their visible names.</summary>
    public static IHtmlView Links(IEnumerable<(string Name, string Href)> links) => new Fragment(_ =>
        "<ul class=\"vl-links\">" + string.Concat(links.Select(l => $"<li><a href=\"{Encode(l.Href)}\">{Encode(l.Name)}</a></li>")) + "</ul>\n");

    /// <summary>Several views one after another.</summary>
    public static IHtmlView Stack(IEnumerable<IHtmlView> views) => new Fragment(assets => string.Concat(views.Select(v => v.ToHtml(assets))));

    sealed class Fragment(Func<HtmlAssets, string> render) : IHtmlView
    {
        public string ToHtml(HtmlAssets assets) => render(assets);
    }
}
