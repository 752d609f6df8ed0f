using System.Text;
using VideoLab.Display;

namespace VideoLab.Plots;

/// <summary>
/// A self-contained HTML document of views: opened from disk with no network, every script (plotly.js,
/// the clip player) and image (PNG data URIs) is inside it, each script once.
/// </summary>
public sealed class HtmlPage(string title)
{
    readonly List<IHtmlView> _views = [];

    public string Title { get; } = title;
    public IReadOnlyList<IHtmlView> Views => _views;

    public HtmlPage Add(IHtmlView view)
    {
        _views.Add(view);
        return this;
    }

    public HtmlPage Add(IEnumerable<IHtmlView> views)
    {
        _views.AddRange(views);
        return this;
    }

    public HtmlPage Heading(string text, int level = 2) => Add(HtmlBlocks.Heading(text, level));

    /// <summary>The whole document.</summary>
    public string Render()
    {
        var assets = HtmlAssets.Fresh();
        var body = new StringBuilder();
        body.Append(PageStyle.Require(assets));
        foreach (var view in _views) body.Append(view.ToHtml(assets));
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
               $"<title>{HtmlBlocks.Encode(Title)}</title>\n</head>\n<body class=\"vl-page\">\n" +
               $"<h1>{HtmlBlocks.Encode(Title)}</h1>\n{body}</body>\n</html>\n";
    }

    /// <summary>Writes the document (UTF-8), creating the folder; returns the full path.</summary>
    public string Save(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, Render(), new UTF8Encoding(false));
        return full;
    }
}
