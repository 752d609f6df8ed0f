using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Markdig;
using VideoLab.Notebooks.Format;

namespace VideoLab.Notebooks.Runner;

/// <summary>
/// An executed notebook as one self-contained HTML page: markdown rendered, code shown, outputs as the
/// notebook holds them (HTML outputs as they are, so charts carry their own inlined plotly.js; images;
/// text; errors). Nothing is fetched from the network.
/// </summary>
public static class HtmlExport
{
    static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
        .cell { margin: 1em 0; }
        pre { background: #f6f8fa; padding: .6em .8em; overflow-x: auto; border-radius: 4px; font-size: 90%; }
        pre.source { border-left: 3px solid #6a9fb5; }
        .count { color: #888; font: 80% monospace; }
        pre.stderr { background: #fff4e5; }
        pre.error { background: #fdecea; color: #a00; }
        .output { margin: .3em 0 .3em 1em; }
        """;

    public static string Render(Notebook notebook, string title)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(title))
            .Append("</title><style>").Append(Style).Append("</style></head><body>\n");
        foreach (var cell in notebook.Cells)
        {
            page.Append("<div class=\"cell\">");
            switch (cell.CellType)
            {
                case "markdown":
                    page.Append(Markdig.Markdown.ToHtml(cell.Source, Markdown));
                    break;
                case "code":
                    page.Append("<div class=\"count\">[").Append(cell.ExecutionCount?.ToString() ?? " ").Append("]</div>")
                        .Append("<pre class=\"source\"><code>").Append(WebUtility.HtmlEncode(cell.Source)).Append("</code></pre>");
                    foreach (var output in cell.Outputs.OfType<JsonObject>()) AppendOutput(page, output);
                    break;
                default:
                    page.Append("<pre>").Append(WebUtility.HtmlEncode(cell.Source)).Append("</pre>");
                    break;
            }
            page.Append("</div>\n");
        }
        return page.Append("</body></html>\n").ToString();
    }

    static void AppendOutput(StringBuilder page, JsonObject output)
    {
        page.Append("<div class=\"output\">");
        switch ((string?)output["output_type"])
        {
            case "stream":
                page.Append("<pre class=\"").Append((string?)output["name"] == "stderr" ? "stderr" : "stdout").Append("\">")
                    .Append(WebUtility.HtmlEncode(Notebook.Text(output["text"]))).Append("</pre>");
                break;
            case "error":
                var traceback = (output["traceback"] as JsonArray)?.Select(l => (string?)l) ?? [];
                page.Append("<pre class=\"error\">").Append(WebUtility.HtmlEncode(string.Join("\n", traceback))).Append("</pre>");
                break;
            default:
                if (output["data"] is JsonObject data) AppendData(page, data);
                break;
        }
        page.Append("</div>");
    }

    static void AppendData(StringBuilder page, JsonObject data)
    {
        if (data["text/html"] is { } html)
            page.Append(Notebook.Text(html));
        else if (data["image/png"] is { } png)
            page.Append("<img src=\"data:image/png;base64,").Append(Notebook.Text(png).Replace("\n", "")).Append("\">");
        else if (data["image/svg+xml"] is { } svg)
            page.Append(Notebook.Text(svg));
        else if (data["text/plain"] is { } text && Notebook.Text(text) is { Length: > 0 } plain)  // "" once plotly.js moved on
            page.Append("<pre>").Append(WebUtility.HtmlEncode(plain)).Append("</pre>");
    }
}
