using System.Globalization;
using System.Text;
using VideoLab.Display;

namespace VideoLab.Plots;

/// <summary>A table cell: the text shown, and the number it sorts by (null: sorts as text, after every number).</summary>
public sealed record TableCell(string Text, double? SortKey = null)
{
    public static implicit operator TableCell(string text) => new(text);
}

/// <summary>
/// A table whose rows sort by any column when its header is clicked (again: the other way), numbers by value and
/// text alphabetically, with a dozen lines of JavaScript included once per page. Works offline, like every view here.
/// </summary>
public sealed class SortableTable(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<TableCell>> rows) : IHtmlView
{
    public const string ScriptKey = "videolab-sortable";

    public IReadOnlyList<string> Headers { get; } = headers;
    public IReadOnlyList<IReadOnlyList<TableCell>> Rows { get; } = rows.ToList();

    public string ToHtml(HtmlAssets assets)
    {
        var html = new StringBuilder();
        html.Append(PageStyle.Require(assets));
        html.Append(assets.Require(ScriptKey, () => $"<style>.vl-sortable th {{ cursor: pointer; user-select: none; }}</style>\n<script>\n{Script}\n</script>\n"));
        html.Append("<table class=\"vl-table vl-sortable\"><thead><tr>");
        foreach (var h in Headers) html.Append($"<th title=\"sort\">{HtmlBlocks.Encode(h)}</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in Rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
                html.Append(cell.SortKey is double k && double.IsFinite(k)
                    ? $"<td data-sort=\"{k.ToString("R", CultureInfo.InvariantCulture)}\">{HtmlBlocks.Encode(cell.Text)}</td>"
                    : $"<td>{HtmlBlocks.Encode(cell.Text)}</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table>\n<script>videolabSortables();</script>\n");
        return html.ToString();
    }

    // Numbers (data-sort) before text; clicking the sorted column again reverses it.
    const string Script = """
        function videolabSortables() {
          document.querySelectorAll('table.vl-sortable:not([data-ready])').forEach(function (table) {
            table.setAttribute('data-ready', '1');
            table.querySelectorAll('thead th').forEach(function (th, column) {
              th.addEventListener('click', function () {
                var up = th.getAttribute('data-order') !== 'up';
                table.querySelectorAll('thead th').forEach(function (o) { o.removeAttribute('data-order'); });
                th.setAttribute('data-order', up ? 'up' : 'down');
                var body = table.tBodies[0];
                var rows = Array.prototype.slice.call(body.rows);
                function key(row) { var c = row.cells[column]; var s = c && c.getAttribute('data-sort'); return s === null || s === undefined ? null : parseFloat(s); }
                rows.sort(function (a, b) {
                  var x = key(a), y = key(b), order;
                  if (x !== null && y !== null) order = x - y;
                  else if (x !== null) return -1;
                  else if (y !== null) return 1;
                  else order = a.cells[column].textContent.localeCompare(b.cells[column].textContent);
                  return up ? order : -order;
                });
                rows.forEach(function (r) { body.appendChild(r); });
              });
            });
          });
        }
        """;
}
