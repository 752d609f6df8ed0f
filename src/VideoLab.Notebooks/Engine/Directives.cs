using System.Text;
using System.Text.RegularExpressions;

namespace VideoLab.Notebooks.Engine;

/// <summary>A cell's <c>#r</c> / <c>#i</c> line, as Polyglot Notebooks defines them.</summary>
public abstract record Directive(int Line);

/// <summary><c>#r "nuget: Name, Version"</c> (version optional: the latest stable).</summary>
public sealed record PackageDirective(int Line, string Name, string? Version) : Directive(Line);

/// <summary><c>#i "nuget: source"</c>: a feed URL or a local folder of packages.</summary>
public sealed record SourceDirective(int Line, string Source) : Directive(Line);

/// <summary><c>#r "path/to.dll"</c>, relative to the notebook's folder.</summary>
public sealed record AssemblyDirective(int Line, string Path) : Directive(Line);

/// <summary><c>#!whos</c>: lists the notebook's variables (name, type, value or shape).</summary>
public sealed record WhosDirective(int Line) : Directive(Line);

/// <summary>A directive line that cannot be understood.</summary>
public sealed class DirectiveException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}

/// <summary>Takes the directives out of a cell, leaving blank lines so that C# line numbers stay those of the cell.</summary>
public static partial class Directives
{
    [GeneratedRegex("""^\s*#(?<kind>[ri])\s+"(?<value>[^"]*)"\s*(//.*)?$""")]
    private static partial Regex DirectiveLine();

    [GeneratedRegex("""^\s*#[ri](\s|"|$)""")]
    private static partial Regex LooksLikeDirective();

    [GeneratedRegex("""^\s*#!(?<name>[\w#-]*)\s*(//.*)?$""")]
    private static partial Regex MagicLine();

    /// <summary>Polyglot's language magics that mean "this cell is C#": accepted and ignored.</summary>
    static readonly string[] CSharpMagics = ["csharp", "c#", "cs"];

    /// <summary>The C# code (directive lines blanked) and the directives in order.</summary>
    /// <exception cref="DirectiveException">A <c>#r</c> or <c>#i</c> line is malformed.</exception>
    public static (string Code, IReadOnlyList<Directive> Directives) Extract(string cell)
    {
        var lines = cell.Split('\n');
        var directives = new List<Directive>();
        var code = new StringBuilder(cell.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            var text = lines[i].TrimEnd('\r');
            int line = i + 1;
            if (MagicLine().Match(text) is { Success: true } magic && !(i == 0 && text.StartsWith("#!/", StringComparison.Ordinal)))
            {
                var name = magic.Groups["name"].Value.ToLowerInvariant();
                if (name is "whos" or "who") directives.Add(new WhosDirective(line));
                else if (!CSharpMagics.Contains(name))
                    throw new DirectiveException(line, $"Unknown magic command `#!{magic.Groups["name"].Value}`: this kernel runs C# cells and knows `#!whos` (the notebook's variables).");
                text = "";
            }
            else if (LooksLikeDirective().IsMatch(text))
            {
                var match = DirectiveLine().Match(text);
                if (!match.Success)
                    throw new DirectiveException(line, $"Cannot read the directive `{text.Trim()}`: expected #r \"nuget: Name, Version\", #r \"path/to.dll\" or #i \"nuget: source\".");
                directives.Add(Parse(match.Groups["kind"].Value, match.Groups["value"].Value.Trim(), line));
                text = "";
            }
            code.Append(text);
            if (i < lines.Length - 1) code.Append('\n');
        }
        return (code.ToString(), directives);
    }

    static Directive Parse(string kind, string value, int line)
    {
        const string nuget = "nuget:";
        bool isNuGet = value.StartsWith(nuget, StringComparison.OrdinalIgnoreCase);
        var rest = isNuGet ? value[nuget.Length..].Trim() : value;
        if (rest.Length == 0)
            throw new DirectiveException(line, $"The directive #{kind} \"{value}\" names nothing.");
        if (kind == "i")
            return new SourceDirective(line, rest);
        if (!isNuGet)
            return new AssemblyDirective(line, rest);
        var parts = rest.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > 2 || parts[0].Length == 0 || parts[0].Contains(' '))
            throw new DirectiveException(line, $"Cannot read the package in #r \"{value}\": expected \"nuget: Name\" or \"nuget: Name, Version\".");
        var version = parts.Length == 2 && parts[1].Length > 0 ? parts[1] : null;
        return new PackageDirective(line, parts[0], version);
    }
}
