using System.Text.Json.Nodes;
using VideoLab.Notebooks.Display;
using VideoLab.Notebooks.Engine;

namespace VideoLab.Notebooks.Format;

/// <summary>Outputs in the form nbformat stores them (and Polyglot Notebooks writes them): MIME values as line arrays.</summary>
public static class NotebookOutputs
{
    public static JsonObject Stream(string name, string text) => new()
    {
        ["output_type"] = "stream",
        ["name"] = name,
        ["text"] = Notebook.Lines(text),
    };

    public static JsonObject DisplayData(MimeBundle bundle) => new()
    {
        ["output_type"] = "display_data",
        ["data"] = Data(bundle),
        ["metadata"] = new JsonObject(),
    };

    public static JsonObject ExecuteResult(int executionCount, MimeBundle bundle) => new()
    {
        ["output_type"] = "execute_result",
        ["execution_count"] = executionCount,
        ["data"] = Data(bundle),
        ["metadata"] = new JsonObject(),
    };

    public static JsonObject Error(CellError error) => new()
    {
        ["output_type"] = "error",
        ["ename"] = error.Name,
        ["evalue"] = error.Message,
        ["traceback"] = new JsonArray([.. error.Traceback.Select(l => JsonValue.Create(l))]),
    };

    /// <summary>A MIME bundle as nbformat's <c>data</c>: JSON types stay JSON, text becomes lines.</summary>
    public static JsonObject Data(MimeBundle bundle)
    {
        var data = new JsonObject();
        foreach (var (mime, value) in bundle.Data)
            data[mime] = mime.EndsWith("json", StringComparison.Ordinal) && TryParse(value) is { } json ? json : Notebook.Lines(value);
        return data;
    }

    static JsonNode? TryParse(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException) { return null; }
    }
}

/// <summary>The displayed outputs of one notebook by display id, so that a later cell can update an earlier cell's output.</summary>
public sealed class NotebookDisplays
{
    internal Lock Gate { get; } = new();
    internal Dictionary<string, List<JsonObject>> ById { get; } = [];
}

/// <summary>
/// Collects a cell's outputs into its nbformat <c>outputs</c> array as they happen: consecutive text of
/// one stream is merged into one output, and an update replaces the displays that share its id in place,
/// in this cell or an earlier one of the same notebook.
/// </summary>
public sealed class NotebookCellOutput(NotebookCell cell, NotebookDisplays displays) : ICellOutput
{
    readonly Lock _gate = displays.Gate;
    readonly Dictionary<string, List<JsonObject>> _byDisplayId = displays.ById;

    public void Stream(string name, string text)
    {
        lock (_gate)
        {
            var outputs = cell.Outputs;
            if (outputs.LastOrDefault() is JsonObject last && (string?)last["output_type"] == "stream" && (string?)last["name"] == name)
                last["text"] = Notebook.Lines(Notebook.Text(last["text"]) + text);
            else
                outputs.Add(NotebookOutputs.Stream(name, text));
        }
    }

    public void Display(MimeBundle bundle, string displayId)
    {
        lock (_gate)
        {
            var output = NotebookOutputs.DisplayData(bundle);
            cell.Outputs.Add(output);
            if (!_byDisplayId.TryGetValue(displayId, out var shown)) _byDisplayId[displayId] = shown = [];
            shown.Add(output);
        }
    }

    public void UpdateDisplay(MimeBundle bundle, string displayId)
    {
        lock (_gate)
        {
            if (!_byDisplayId.TryGetValue(displayId, out var shown)) return; // shown in another notebook: nothing to replace
            foreach (var output in shown) output["data"] = NotebookOutputs.Data(bundle);
        }
    }

    public void Result(int executionCount, MimeBundle bundle)
    {
        lock (_gate) cell.Outputs.Add(NotebookOutputs.ExecuteResult(executionCount, bundle));
    }

    public void Error(CellError error)
    {
        lock (_gate) cell.Outputs.Add(NotebookOutputs.Error(error));
    }
}
