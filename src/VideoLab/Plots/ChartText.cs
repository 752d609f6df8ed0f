using System.Globalization;
using System.Text.Json.Nodes;
using Plotly.NET;

namespace VideoLab.Plots;

/// <summary>
/// A chart described in one line of text, for front-ends and exports that show <c>text/plain</c> (a terminal,
/// nbconvert to Markdown, a notebook opened without its scripts): title, then each trace's type, name and size.
/// </summary>
public static class ChartText
{
    /// <summary>For example <c>Chart "loss": scatter "train" (120 points), scatter "validation" (4 points)</c>.</summary>
    public static string Describe(GenericChart chart)
    {
        var figure = JsonNode.Parse(GenericChart.toJson(chart))!;
        var title = figure["layout"]?["title"] is JsonObject t ? (string?)t["text"] : (string?)figure["layout"]?["title"];
        var traces = (figure["data"] as JsonArray ?? []).OfType<JsonObject>().Select(Trace).ToList();
        var head = string.IsNullOrWhiteSpace(title) ? "Chart" : $"Chart \"{title}\"";
        return traces.Count == 0 ? $"{head}: no traces" : $"{head}: {string.Join(", ", traces)}";
    }

    static string Trace(JsonObject trace)
    {
        var type = (string?)trace["type"] ?? "scatter";
        var name = (string?)trace["name"];
        var size = new[] { "x", "y", "z", "values", "labels" }.Select(k => trace[k] as JsonArray).FirstOrDefault(a => a is not null) is { } values
            ? values.Count.ToString(CultureInfo.InvariantCulture) + (values.Count == 1 ? " point" : " points")
            : null;
        return type + (name is null ? "" : $" \"{name}\"") + (size is null ? "" : $" ({size})");
    }
}
