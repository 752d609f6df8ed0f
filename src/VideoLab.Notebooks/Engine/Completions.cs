using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Scripting.Hosting;

namespace VideoLab.Notebooks.Engine;

/// <summary>One completion: the name, and what it is in Jupyter's terms (<c>_jupyter_types_experimental</c>).</summary>
/// <param name="Text">The name to insert.</param>
/// <param name="Type">function, class, module, property, instance, param or keyword (the kinds JupyterLab draws icons for).</param>
/// <param name="Signature">For methods, the first overload's parameters, <c>(string? value)</c>; "" otherwise.</param>
public sealed record CompletionItem(string Text, string Type, string Signature);

/// <summary>
/// Completions at a cursor (Jupyter's <c>complete_request</c>): the cell is compiled as the next
/// submission of the notebook, and Roslyn's semantic model lists the symbols in scope there — the
/// members of the expression before a dot, or every name visible at that point.
/// </summary>
/// <param name="Items">Names that start with the word under the cursor, sorted, each once, with their kinds.</param>
/// <param name="Start">Where the word under the cursor starts (it is replaced by the chosen match).</param>
/// <param name="End">The cursor.</param>
public sealed record Completions(IReadOnlyList<CompletionItem> Items, int Start, int End)
{
    /// <summary>The names alone (Jupyter's <c>matches</c>).</summary>
    public IReadOnlyList<string> Matches => [.. Items.Select(i => i.Text)];

    internal static Completions Find(string code, int cursor, Script? previous, ScriptOptions options, InteractiveAssemblyLoader loader)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        int start = cursor;
        while (start > 0 && (char.IsLetterOrDigit(code[start - 1]) || code[start - 1] == '_')) start--;
        var prefix = code[start..cursor];

        if (CellModel.Create(code, previous, options, loader) is not { } cell)
            return new Completions([], start, cursor);
        var model = cell.Semantics;

        IEnumerable<ISymbol> symbols;
        if (start > 0 && code[start - 1] == '.'
            && cell.Tree.GetRoot().FindToken(start - 1).Parent is MemberAccessExpressionSyntax access)
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

        var items = symbols
            .Where(s => s.CanBeReferencedByName && s.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .GroupBy(s => s.Name)
            .Select(g => Item(g.Key, g.First()))
            .OrderBy(i => i.Text, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new Completions(items, start, cursor);
    }

    static CompletionItem Item(string name, ISymbol symbol) => symbol switch
    {
        IMethodSymbol method => new(name, "function", "(" + string.Join(", ", method.Parameters.Select(p => p.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat))) + ")"),
        INamespaceSymbol => new(name, "module", ""),
        ITypeSymbol => new(name, "class", ""),
        IPropertySymbol or IEventSymbol => new(name, "property", ""),
        IParameterSymbol => new(name, "param", ""),
        _ => new(name, "instance", ""),
    };
}

static class SymbolExtensions
{
    public static bool IsExtensionMethod(this ISymbol symbol) => symbol is IMethodSymbol { IsExtensionMethod: true } or IMethodSymbol { ReducedFrom: not null };
}
