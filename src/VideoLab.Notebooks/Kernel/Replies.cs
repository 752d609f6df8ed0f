using System.Text.Json.Nodes;
using VideoLab.Notebooks.Engine;

namespace VideoLab.Notebooks.Kernel;

/// <summary>The contents of the kernel's replies that describe the kernel or the code being typed (kernel_info, complete, inspect).</summary>
static class Replies
{
    public static JsonObject KernelInfo() => new()
    {
        ["status"] = "ok",
        ["protocol_version"] = JupyterMessage.ProtocolVersion,
        ["implementation"] = Format.KernelInfo.Name,
        ["implementation_version"] = Format.KernelInfo.Version,
        ["language_info"] = new JsonObject
        {
            ["name"] = Format.KernelInfo.Language,
            ["version"] = "14.0",
            ["mimetype"] = "text/x-csharp",
            ["file_extension"] = ".cs",
            ["pygments_lexer"] = "csharp",
            ["codemirror_mode"] = "text/x-csharp",
        },
        ["banner"] = $"C# (VideoLab): Roslyn scripting with TorchSharp and Plotly.NET; VideoLab {Format.KernelInfo.Version} from {Format.KernelInfo.LibraryPath}",
        ["help_links"] = new JsonArray(),
    };

    public static JsonObject Complete(NotebookEngine engine, JsonObject request)
    {
        var code = (string?)request["code"] ?? "";
        var cursor = (int?)request["cursor_pos"] ?? code.Length;
        var completions = engine.Complete(code, cursor);
        // What each match is, in the form JupyterLab reads (as ipykernel sends it).
        var types = completions.Items.Select(i => (JsonNode)new JsonObject
        {
            ["start"] = completions.Start, ["end"] = completions.End, ["text"] = i.Text, ["type"] = i.Type, ["signature"] = i.Signature,
        });
        return new JsonObject
        {
            ["status"] = "ok",
            ["matches"] = new JsonArray([.. completions.Matches.Select(m => JsonValue.Create(m))]),
            ["cursor_start"] = completions.Start,
            ["cursor_end"] = completions.End,
            ["metadata"] = new JsonObject { ["_jupyter_types_experimental"] = new JsonArray([.. types]) },
        };
    }

    public static JsonObject Inspect(NotebookEngine engine, JsonObject request)
    {
        var code = (string?)request["code"] ?? "";
        var cursor = (int?)request["cursor_pos"] ?? code.Length;
        var detail = (int?)request["detail_level"] ?? 0;
        var found = engine.Inspect(code, cursor);
        var data = new JsonObject();
        if (found is not null)
        {
            data["text/plain"] = found.ToText(detail);
            data["text/markdown"] = found.ToMarkdown(detail);
        }
        return new JsonObject { ["status"] = "ok", ["found"] = found is not null, ["data"] = data, ["metadata"] = new JsonObject() };
    }
}
