using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Scripting.Hosting;
using VideoLab.Notebooks.Scripting;

namespace VideoLab.Notebooks.Engine;

/// <summary>
/// Completions at a cursor (Jupyter's <c>complete_request</c>): the cell is compiled as the next
/// submission of the notebook, and Roslyn's semantic model lists the symbols in scope there — the
/// members of the expression before a dot, or every name visible at that point.
/// </summary>
/// <param name="Matches">Names that start with the word under the cursor, sorted.</param>
/// <param name="Start">Where the word under the cursor starts (it is replaced by the chosen match).</param>
/// <param name="End">The cursor.</param>
public sealed record Completions(IReadOnlyList<string> Matches, int Start, int End)
{
    internal static Completions Find(string code, int cursor, Script? previous, ScriptOptions options, InteractiveAssemblyLoader loader)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        int start = cursor;
        while (start > 0 && (char.IsLetterOrDigit(code[start - 1]) || code[start - 1] == '_')) start--;
        var prefix = code[start..cursor];

        string csharp;
        try { (csharp, _) = Directives.Extract(code); }
        catch (DirectiveException) { return new Completions([], start, cursor); }

        var script = previous is null
            ? CSharpScript.Create(csharp, options, typeof(NotebookGlobals), loader)
            : previous.ContinueWith(csharp, options);
        var compilation = script.GetCompilation();
        var tree = compilation.SyntaxTrees.Last();
        var model = compilation.GetSemanticModel(tree);

        IEnumerable<ISymbol> symbols;
        if (start > 0 && code[start - 1] == '.'
            && tree.GetRoot().FindToken(start - 1).Parent is MemberAccessExpressionSyntax access)
        {
            var target = model.GetSymbolInfo(access.Expression).Symbol;
            symbols = target is INamespaceOrTypeSymbol container
                ? model.LookupSymbols(start, container).Where(s => s.IsStatic || s is INamespaceOrTypeSymbol)
                : model.GetTypeInfo(access.Expression).Type is { } type
                    ? model.LookupSymbols(start, type, includeReducedExtensionMethods: true).Where(s => !s.IsStatic || s.IsExtensionMethod())
                    : [];
        }
        else
        {
            symbols = model.LookupSymbols(start);
        }

        var matches = symbols
            .Where(s => s.CanBeReferencedByName && s.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(s => s.Name)
            .Distinct()
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new Completions(matches, start, cursor);
    }
}

static class SymbolExtensions
{
    public static bool IsExtensionMethod(this ISymbol symbol) => symbol is IMethodSymbol { IsExtensionMethod: true } or IMethodSymbol { ReducedFrom: not null };
}
