using System.Collections;
using System.Globalization;
using System.Net;
using System.Text;
using static TorchSharp.torch;

namespace VideoLab.Notebooks.Display;

/// <summary>One variable of the notebook as <c>#!whos</c> lists it.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Type">Its declared type, as C# writes it (<c>List&lt;int&gt;</c>, <c>float[]</c>, <c>Tensor</c>).</param>
/// <param name="Value">A short description: a tensor's shape, dtype and device; a collection's size; a number or short text.</param>
public sealed record VariableInfo(string Name, string Type, string Value);

/// <summary>The variables <c>#!whos</c> lists: a table as HTML, aligned columns as text.</summary>
public sealed class VariableListing(IReadOnlyList<VariableInfo> variables) : VideoLab.Display.IHtmlView
{
    public IReadOnlyList<VariableInfo> Variables { get; } = variables;

    public string ToHtml(VideoLab.Display.HtmlAssets assets)
    {
        if (Variables.Count == 0) return "<p>No variables yet.</p>";
        var html = new StringBuilder("<table class=\"vl-table vl-whos\"><tr><th>Variable</th><th>Type</th><th>Data/Info</th></tr>");
        foreach (var v in Variables)
            html.Append("<tr><td><code>").Append(WebUtility.HtmlEncode(v.Name)).Append("</code></td><td><code>")
                .Append(WebUtility.HtmlEncode(v.Type)).Append("</code></td><td>").Append(WebUtility.HtmlEncode(v.Value)).Append("</td></tr>");
        return html.Append("</table>").ToString();
    }

    public override string ToString()
    {
        if (Variables.Count == 0) return "No variables yet.";
        int nameWidth = Math.Max(8, Variables.Max(v => v.Name.Length)), typeWidth = Math.Max(4, Variables.Max(v => v.Type.Length));
        var text = new StringBuilder();
        text.Append("Variable".PadRight(nameWidth)).Append("  ").Append("Type".PadRight(typeWidth)).Append("  Data/Info\n");
        text.Append(new string('-', nameWidth + typeWidth + 13)).Append('\n');
        foreach (var v in Variables)
            text.Append(v.Name.PadRight(nameWidth)).Append("  ").Append(v.Type.PadRight(typeWidth)).Append("  ").Append(v.Value).Append('\n');
        return text.ToString().TrimEnd('\n');
    }
}

/// <summary>
/// The notebook's variables, as IPython's <c>%whos</c> lists them: name, type, and what the value is in a few
/// words — for tensors, shape, dtype and device (the thing one wants to check most often in a model notebook).
/// </summary>
public static class VariableTable
{
    const int MaxValueLength = 60;

    /// <summary>Describes a value in a few words; never throws (a failing <c>ToString</c> is reported as such).</summary>
    public static string Describe(object? value)
    {
        try
        {
            return value switch
            {
                null => "null",
                Tensor { IsInvalid: true } => "disposed",
                Tensor tensor => $"[{string.Join(", ", tensor.shape)}] {tensor.dtype} {tensor.device}",
                string text => Shorten("\"" + text.ReplaceLineEndings("\\n") + "\""),
                IFormattable formattable when value.GetType().IsPrimitive || value is decimal || value.GetType().IsEnum =>
                    formattable.ToString(null, CultureInfo.InvariantCulture),
                Array array => $"Length = {array.Length}",
                ICollection collection => $"Count = {collection.Count}",
                Delegate => "(a function)",
                _ when value.GetType().GetMethod("ToString", Type.EmptyTypes)?.DeclaringType == typeof(object) => "",
                _ => Shorten(value.ToString() ?? ""),
            };
        }
        catch (Exception e)
        {
            return $"(could not describe it: {e.GetType().Name})";
        }
    }

    /// <summary>A type as C# writes it: keywords, generic arguments, arrays, nullable value types; namespaces left out.</summary>
    public static string TypeName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying) return TypeName(underlying) + "?";
        if (type.IsArray) return TypeName(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (Keywords.TryGetValue(type, out var keyword)) return keyword;
        var name = type.Name;
        if (type.IsGenericType)
        {
            var tick = name.IndexOf('`');
            if (tick >= 0) name = name[..tick];
            if (type.FullName?.StartsWith("System.ValueTuple", StringComparison.Ordinal) == true)
                return "(" + string.Join(", ", type.GetGenericArguments().Select(TypeName)) + ")";
            name += "<" + string.Join(", ", type.GetGenericArguments().Select(TypeName)) + ">";
        }
        return type.IsNested && !type.IsGenericParameter && type.DeclaringType is { } outer && !outer.Name.StartsWith("Submission#", StringComparison.Ordinal)
            ? TypeName(outer) + "." + name
            : name;
    }

    static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte", [typeof(char)] = "char",
        [typeof(short)] = "short", [typeof(ushort)] = "ushort", [typeof(int)] = "int", [typeof(uint)] = "uint",
        [typeof(long)] = "long", [typeof(ulong)] = "ulong", [typeof(float)] = "float", [typeof(double)] = "double",
        [typeof(decimal)] = "decimal", [typeof(string)] = "string", [typeof(object)] = "object", [typeof(nint)] = "nint", [typeof(nuint)] = "nuint",
    };

    static string Shorten(string text) => text.Length <= MaxValueLength ? text : text[..(MaxValueLength - 1)] + "…";
}
