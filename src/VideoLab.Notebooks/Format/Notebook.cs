using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VideoLab.Notebooks.Format;

/// <summary>
/// An <c>.ipynb</c> file (nbformat 4) held as its JSON, so that everything this code does not know about
/// (metadata of other tools, attachments, fields of later minor versions) is written back unchanged.
/// Cells keep their ids and order.
/// </summary>
public sealed class Notebook
{
    static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 1, // as Jupyter writes them, so diffs of executed notebooks stay small
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    Notebook(JsonObject root)
    {
        Root = root;
        if ((int?)root["nbformat"] != 4)
            throw new InvalidDataException($"Only nbformat 4 notebooks are supported; this one says nbformat {root["nbformat"]?.ToJsonString() ?? "(missing)"}.");
        Cells = (root["cells"] as JsonArray ?? throw new InvalidDataException("The notebook has no \"cells\" array."))
            .Select(c => new NotebookCell(c as JsonObject ?? throw new InvalidDataException("A cell is not a JSON object.")))
            .ToList();
    }

    /// <summary>The whole document.</summary>
    public JsonObject Root { get; }

    public IReadOnlyList<NotebookCell> Cells { get; }

    public JsonObject Metadata => Root["metadata"] as JsonObject ?? (JsonObject)(Root["metadata"] = new JsonObject());

    public static Notebook Parse(string json)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (JsonException e) { throw new InvalidDataException($"Not a notebook: the file is not valid JSON ({e.Message}).", e); }
        return new Notebook(node as JsonObject ?? throw new InvalidDataException("Not a notebook: the JSON is not an object."));
    }

    public static Notebook Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>A new notebook of C# code cells and markdown cells (<c>("markdown", text)</c> or <c>("code", text)</c>).</summary>
    public static Notebook Create(IEnumerable<(string CellType, string Source)> cells)
    {
        var array = new JsonArray();
        foreach (var (type, source) in cells)
        {
            var cell = new JsonObject { ["cell_type"] = type, ["id"] = NewId(), ["metadata"] = new JsonObject(), ["source"] = Lines(source) };
            if (type == "code") { cell["execution_count"] = null; cell["outputs"] = new JsonArray(); }
            array.Add(cell);
        }
        var notebook = new Notebook(new JsonObject { ["cells"] = array, ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5 });
        notebook.EnsureCSharpMetadata();
        return notebook;
    }

    /// <summary>
    /// Adds what is missing for this notebook to open as C# in both Jupyter (our <c>videolab</c> kernel)
    /// and Polyglot Notebooks (its kernel info and per-cell language); present values are kept, except
    /// that a kernelspec naming no kernel gets ours. Code cells without an id get one (nbformat 4.5).
    /// </summary>
    public void EnsureCSharpMetadata()
    {
        var metadata = Metadata;
        if (metadata["kernelspec"] is not JsonObject { } spec || spec["name"] is null)
            metadata["kernelspec"] = new JsonObject { ["name"] = KernelInfo.Name, ["display_name"] = KernelInfo.DisplayName, ["language"] = KernelInfo.Language };
        metadata["language_info"] ??= new JsonObject { ["name"] = KernelInfo.Language };
        metadata["polyglot_notebook"] ??= new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = "csharp",
                ["items"] = new JsonArray(new JsonObject { ["name"] = "csharp", ["aliases"] = new JsonArray() }),
            },
        };
        if ((int?)Root["nbformat_minor"] is not int minor || minor < 5) Root["nbformat_minor"] = 5;
        foreach (var cell in Cells)
        {
            cell.Node["id"] ??= NewId();
            if (!cell.IsCode) continue;
            var cellMetadata = cell.Metadata;
            cellMetadata["dotnet_interactive"] ??= new JsonObject { ["language"] = "csharp" };
            cellMetadata["polyglot_notebook"] ??= new JsonObject { ["kernelName"] = "csharp" };
        }
    }

    /// <summary>The JSON text, indented by one space as Jupyter writes it, ending with a newline.</summary>
    public string ToJson() => Root.ToJsonString(Indented) + "\n";

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, ToJson());
    }

    /// <summary>Text as nbformat stores it: a list of lines, each but the last ending with "\n".</summary>
    public static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        int start = 0;
        while (start < text.Length)
        {
            int end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }

    /// <summary>nbformat text (a string or a list of lines) as one string.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue value => (string?)value ?? "",
        _ => "",
    };

    static string NewId() => Guid.NewGuid().ToString("N")[..12];
}

/// <summary>One cell of a <see cref="Notebook"/>: a view on its JSON.</summary>
public sealed class NotebookCell(JsonObject node)
{
    public JsonObject Node { get; } = node;

    public string CellType => (string?)Node["cell_type"] ?? "";
    public bool IsCode => CellType == "code";
    public string? Id => (string?)Node["id"];
    public string Source => Notebook.Text(Node["source"]);
    public JsonObject Metadata => Node["metadata"] as JsonObject ?? (JsonObject)(Node["metadata"] = new JsonObject());

    /// <summary>The outputs array of a code cell.</summary>
    public JsonArray Outputs => Node["outputs"] as JsonArray ?? (JsonArray)(Node["outputs"] = new JsonArray());

    public int? ExecutionCount
    {
        get => (int?)Node["execution_count"];
        set => Node["execution_count"] = value;
    }

    /// <summary>Removes outputs and the execution count, as "Clear outputs" does.</summary>
    public void ClearOutputs()
    {
        Node["outputs"] = new JsonArray();
        Node["execution_count"] = null;
    }
}

/// <summary>The names our kernel is known by, in kernelspecs and notebook metadata.</summary>
public static class KernelInfo
{
    public const string Name = "videolab";
    public const string DisplayName = "C# (VideoLab)";
    public const string Language = "C#";

    /// <summary>The VideoLab library this process runs: its informational version (with the commit when the build recorded one).</summary>
    public static string Version { get; } =
        typeof(VideoLab.Runtime.Lab).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion
        ?? typeof(VideoLab.Runtime.Lab).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Where that library was loaded from.</summary>
    public static string LibraryPath { get; } = typeof(VideoLab.Runtime.Lab).Assembly.Location;
}
