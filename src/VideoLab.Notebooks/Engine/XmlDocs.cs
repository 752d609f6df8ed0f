using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace VideoLab.Notebooks.Engine;

/// <summary>
/// The XML documentation of a symbol, for inspection: from the compilation when the symbol is the notebook's
/// own, else from the <c>.xml</c> file beside its assembly (VideoLab, Plotly.NET, most NuGet packages) or, for
/// .NET itself, from the reference pack the SDK installs (<c>packs/Microsoft.NETCore.App.Ref/&lt;version&gt;/ref</c>).
/// Files are read once, on first use.
/// </summary>
static partial class XmlDocs
{
    static readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> Files = new();
    static readonly Lazy<string?> ReferencePack = new(FindReferencePack);

    /// <summary>The symbol's documentation (summary, params, returns, remarks), or null when none is found.</summary>
    public static Documentation? For(ISymbol symbol)
    {
        symbol = symbol.OriginalDefinition;  // List<int> is documented as List<T>
        var xml = symbol.GetDocumentationCommentXml();
        if (string.IsNullOrWhiteSpace(xml) && symbol.GetDocumentationCommentId() is { } id)
            xml = Candidates(symbol).Select(file => Members(file).GetValueOrDefault(id)).FirstOrDefault(x => x is not null);
        if (string.IsNullOrWhiteSpace(xml)) return null;
        XElement member;
        try { member = XElement.Parse(xml.TrimStart().StartsWith("<member", StringComparison.Ordinal) ? xml : $"<member>{xml}</member>"); }
        catch (XmlException) { return null; }
        if (member.Element("inheritdoc") is not null && member.Element("summary") is null && Inherited(symbol) is { } inherited)
            return For(inherited);
        return new Documentation(
            Text(member.Element("summary")),
            [.. member.Elements("param").Select(p => ((string?)p.Attribute("name") ?? "", Text(p)))],
            Text(member.Element("returns")),
            Text(member.Element("remarks")));
    }

    static ISymbol? Inherited(ISymbol symbol) => symbol switch
    {
        IMethodSymbol { OverriddenMethod: { } overridden } => overridden,
        IPropertySymbol { OverriddenProperty: { } overridden } => overridden,
        _ => symbol.ContainingType?.AllInterfaces.SelectMany(i => i.GetMembers(symbol.Name))
                   .FirstOrDefault(m => SymbolEqualityComparer.Default.Equals(symbol.ContainingType.FindImplementationForInterfaceMember(m), symbol)),
    };

    /// <summary>The documentation files that may hold the symbol's docs, most likely first.</summary>
    static IEnumerable<string> Candidates(ISymbol symbol)
    {
        var assembly = symbol.ContainingAssembly?.Name;
        if (assembly is null) yield break;
        var loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == assembly && !a.IsDynamic);
        if (loaded is { Location: { Length: > 0 } location })
            yield return Path.ChangeExtension(location, ".xml");
        if (ReferencePack.Value is not { } pack) yield break;
        yield return Path.Combine(pack, assembly + ".xml");
        if (assembly == "System.Private.CoreLib")
        {
            // Its types are documented in the reference assembly that exposes them: System.Runtime, or one named after the namespace.
            yield return Path.Combine(pack, "System.Runtime.xml");
            for (var ns = symbol.ContainingNamespace?.ToDisplayString(); !string.IsNullOrEmpty(ns); ns = ns.Contains('.') ? ns[..ns.LastIndexOf('.')] : null)
                yield return Path.Combine(pack, ns + ".xml");
        }
    }

    static IReadOnlyDictionary<string, string> Members(string file) => Files.GetOrAdd(file, path =>
    {
        var members = new Dictionary<string, string>();
        if (!File.Exists(path)) return members;
        try
        {
            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
            while (reader.ReadToFollowing("member"))
                if (reader.GetAttribute("name") is { } name) members[name] = reader.ReadOuterXml();
        }
        catch (XmlException) { /* a malformed file documents nothing */ }
        return members;
    });

    static string? FindReferencePack()
    {
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();  // <root>/shared/Microsoft.NETCore.App/<version>/
        var root = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        var packs = Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref");
        if (!Directory.Exists(packs)) return null;
        var version = Environment.Version;
        var folder = Directory.GetDirectories(packs)
            .Select(d => (Path: d, Version: Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : null))
            .Where(d => d.Version is not null && d.Version.Major == version.Major)
            .OrderByDescending(d => d.Version == new Version(version.Major, version.Minor, version.Build)).ThenByDescending(d => d.Version)
            .Select(d => d.Path).FirstOrDefault();
        var framework = folder is null ? null : Path.Combine(folder, "ref", $"net{version.Major}.{version.Minor}");
        return framework is not null && Directory.Exists(framework) ? framework : null;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>Documentation XML as plain text: cref names shortened, <c>&lt;para&gt;</c> as paragraphs, whitespace folded.</summary>
    static string? Text(XElement? element)
    {
        if (element is null) return null;
        var text = new StringBuilder();
        foreach (var node in element.Nodes()) Append(text, node);
        var paragraphs = text.ToString().Split('\u2029').Select(p => Whitespace().Replace(p, " ").Trim()).Where(p => p.Length > 0);
        var result = string.Join("\n", paragraphs);
        return result.Length == 0 ? null : result;
    }

    static void Append(StringBuilder text, XNode node)
    {
        switch (node)
        {
            case XText t:
                text.Append(t.Value);
                break;
            case XElement { Name.LocalName: "see" or "seealso" } see:
                var target = (string?)see.Attribute("cref") ?? (string?)see.Attribute("langword") ?? (string?)see.Attribute("href") ?? "";
                text.Append(see.Value.Length > 0 ? see.Value : ShortName(target));
                break;
            case XElement { Name.LocalName: "paramref" or "typeparamref" } reference:
                text.Append((string?)reference.Attribute("name"));
                break;
            case XElement { Name.LocalName: "para" or "br" } paragraph:
                text.Append('\u2029');
                foreach (var child in paragraph.Nodes()) Append(text, child);
                text.Append('\u2029');
                break;
            case XElement other:
                foreach (var child in other.Nodes()) Append(text, child);
                break;
        }
    }

    /// <summary><c>M:System.Console.WriteLine(System.String)</c> → <c>Console.WriteLine</c>; <c>T:System.String</c> → <c>String</c>.</summary>
    static string ShortName(string cref)
    {
        var name = cref.Length > 2 && cref[1] == ':' ? cref[2..] : cref;
        var paren = name.IndexOf('(');
        if (paren >= 0) name = name[..paren];
        name = Regex.Replace(name, @"`+\d+", "");
        var parts = name.Split('.');
        return cref.StartsWith("T:", StringComparison.Ordinal) || parts.Length < 2 ? parts[^1] : $"{parts[^2]}.{parts[^1]}";
    }
}

/// <summary>A symbol's documentation as text.</summary>
sealed record Documentation(string? Summary, IReadOnlyList<(string Name, string? Text)> Parameters, string? Returns, string? Remarks);
