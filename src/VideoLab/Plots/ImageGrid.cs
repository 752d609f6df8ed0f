using System.Text;
using VideoLab.Display;

namespace VideoLab.Plots;

/// <summary>One labelled row of images (PNG data URIs).</summary>
public sealed record ImageRow(string Label, IReadOnlyList<string> Images);

/// <summary>
/// Rows of small images with a label on the left, shown at <paramref name="DisplaySize"/> pixels
/// (nearest-neighbour upscaling, so a 64×64 frame stays sharp and its PNG stays small).
/// </summary>
public sealed record ImageGrid(IReadOnlyList<ImageRow> Rows, int DisplaySize = 96, string? Caption = null) : IHtmlView
{
    public string ToHtml(HtmlAssets assets)
    {
        var html = new StringBuilder();
        html.Append(PageStyle.Require(assets));
        html.Append("<table class=\"vl-grid\">");
        if (Caption is not null) html.Append($"<caption>{HtmlBlocks.Encode(Caption)}</caption>");
        foreach (var row in Rows)
        {
            html.Append($"<tr><th>{HtmlBlocks.Encode(row.Label)}</th>");
            foreach (var uri in row.Images)
                html.Append($"<td><img src=\"{uri}\" width=\"{DisplaySize}\" height=\"{DisplaySize}\" alt=\"\"></td>");
            html.Append("</tr>");
        }
        html.Append("</table>\n");
        return html.ToString();
    }
}
