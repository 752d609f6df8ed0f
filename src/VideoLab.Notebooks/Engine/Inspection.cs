using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Scripting.Hosting;

namespace VideoLab.Notebooks.Engine;

/// <summary>
/// What Jupyter's <c>inspect_request</c> shows (Shift-Tab in the classic Notebook, the contextual help in
/// JupyterLab, hovers in VS Code): the symbol at the cursor — or the method whose arguments the cursor is in —
/// with its signature (every overload of a method group) and its XML documentation.
/// </summary>
public sealed class Inspection(IReadOnlyList<string> signatures, string? summary, IReadOnlyList<(string Name, string? Text)> parameters,
                               string? returns, string? remarks)
{
    static readonly SymbolDisplayFormat Signature = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeType | SymbolDisplayMemberOptions.IncludeParameters |
                       SymbolDisplayMemberOptions.IncludeContainingType | SymbolDisplayMemberOptions.IncludeRef,
        kindOptions: SymbolDisplayKindOptions.IncludeTypeKeyword | SymbolDisplayKindOptions.IncludeNamespaceKeyword,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName |
                          SymbolDisplayParameterOptions.IncludeDefaultValue | SymbolDisplayParameterOptions.IncludeParamsRefOut |
                          SymbolDisplayParameterOptions.IncludeExtensionThis,
        propertyStyle: SymbolDisplayPropertyStyle.ShowReadWriteDescriptor,
        localOptions: SymbolDisplayLocalOptions.IncludeType,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers |
                              SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>How many overloads are listed at most.</summary>
    const int MaxOverloads = 12;

    /// <summary>C# signatures, the resolved or first overload first.</summary>
    public IReadOnlyList<string> Signatures { get; } = signatures;
    public string? Summary { get; } = summary;
    public IReadOnlyList<(string Name, string? Text)> Parameters { get; } = parameters;
    public string? Returns { get; } = returns;
    public string? Remarks { get; } = remarks;

    /// <summary>Plain text; <paramref name="detailLevel"/> 0 shows the first signature, the summary and parameters, 1 adds every overload and the remarks.</summary>
    public string ToText(int detailLevel = 0)
    {
        var text = new StringBuilder();
        var signatures = detailLevel > 0 ? Signatures : Signatures.Take(1);
        foreach (var signature in signatures) text.Append(signature).Append('\n');
        if (detailLevel == 0 && Signatures.Count > 1) text.Append($"(+{Signatures.Count - 1} more overloads)\n");
        if (Summary is not null) text.Append('\n').Append(Summary).Append('\n');
        if (Parameters.Any(p => p.Text is not null))
            foreach (var (name, description) in Parameters.Where(p => p.Text is not null)) text.Append($"  {name}: {description}\n");
        if (Returns is not null) text.Append("Returns: ").Append(Returns).Append('\n');
        if (detailLevel > 0 && Remarks is not null) text.Append('\n').Append(Remarks).Append('\n');
        return text.ToString().TrimEnd() + "\n";
    }

    /// <summary>The same as Markdown, the signatures in a C# code block.</summary>
    public string ToMarkdown(int detailLevel = 0)
    {
        var signatures = detailLevel > 0 ? Signatures : Signatures.Take(1);
        var text = new StringBuilder("```csharp\n").Append(string.Join("\n", signatures)).Append("\n```\n");
        if (detailLevel == 0 && Signatures.Count > 1) text.Append($"(+{Signatures.Count - 1} more overloads)\n");
        if (Summary is not null) text.Append('\n').Append(Summary).Append('\n');
        foreach (var (name, description) in Parameters.Where(p => p.Text is not null)) text.Append($"- `{name}`: {description}\n");
        if (Returns is not null) text.Append("\n**Returns:** ").Append(Returns).Append('\n');
        if (detailLevel > 0 && Remarks is not null) text.Append('\n').Append(Remarks).Append('\n');
        return text.ToString();
    }

    internal static Inspection? Find(string code, int cursor, Script? previous, ScriptOptions options, InteractiveAssemblyLoader loader)
    {
        if (CellModel.Create(code, previous, options, loader) is not { } cell) return null;
        var (symbol, overloads) = SymbolAt(cell, Math.Clamp(cursor, 0, code.Length));
        if (symbol is null) return null;
        var signatures = new[] { symbol }.Concat(overloads.Where(o => !SymbolEqualityComparer.Default.Equals(o, symbol)))
                                          .Take(MaxOverloads).Select(Display).Distinct().ToList();
        var docs = XmlDocs.For(symbol is IMethodSymbol { ReducedFrom: { } extension } ? extension : symbol);
        return new Inspection(signatures, docs?.Summary, docs?.Parameters ?? [], docs?.Returns, docs?.Remarks);
    }

    /// <summary>The symbol named at the cursor, or the method whose argument list holds it; and the other overloads.</summary>
    static (ISymbol? Symbol, IReadOnlyList<ISymbol> Overloads) SymbolAt(CellModel cell, int position)
    {
        var root = cell.Tree.GetRoot();
        var model = cell.Semantics;
        var token = root.FindToken(position);
        if (!token.IsKind(SyntaxKind.IdentifierToken) && position > 0) token = root.FindToken(position - 1);
        if (token.IsKind(SyntaxKind.IdentifierToken) && token.Parent is { } named)
        {
            if (model.GetDeclaredSymbol(named) is { } declared) return (declared, []);
            var expression = named is IdentifierNameSyntax { Parent: MemberAccessExpressionSyntax access } name && access.Name == name ? access : named;
            if (Resolve(model, named, expression) is { Symbol: not null } found) return found;
        }
        // Inside the parentheses of a call: the method being called.
        for (var node = token.Parent; node is not null; node = node.Parent)
        {
            if (node is ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } arguments && Inside(arguments, position))
                return Resolve(model, invocation.Expression, invocation.Expression);
            if (node is ArgumentListSyntax { Parent: BaseObjectCreationExpressionSyntax creation } creationArguments && Inside(creationArguments, position))
                return Resolve(model, creation, creation);
        }
        return (null, []);
    }

    /// <summary>After the opening parenthesis and up to the closing one, or to the end while it is still missing (<c>Math.Sqrt(|</c>).</summary>
    static bool Inside(ArgumentListSyntax arguments, int position) =>
        position > arguments.OpenParenToken.SpanStart && (arguments.CloseParenToken.IsMissing || position <= arguments.CloseParenToken.SpanStart);

    static (ISymbol? Symbol, IReadOnlyList<ISymbol> Overloads) Resolve(SemanticModel model, SyntaxNode node, SyntaxNode group)
    {
        var info = model.GetSymbolInfo(node);
        var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
        if (symbol is null && node is ExpressionSyntax expression && model.GetTypeInfo(expression).Type is { TypeKind: not TypeKind.Error } type)
            symbol = type;
        IReadOnlyList<ISymbol> overloads = group is ExpressionSyntax member ? model.GetMemberGroup(member) : [];
        if (symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor)
            overloads = constructor.ContainingType.InstanceConstructors;
        return (symbol, overloads);
    }

    static string Display(ISymbol symbol)
    {
        // Top-level variables and functions of a notebook are members of a generated submission class: not worth naming.
        var text = symbol.ToDisplayString(Signature);
        return symbol.ContainingType is { IsScriptClass: true } script ? text.Replace(script.ToDisplayString(Signature) + ".", "") : text;
    }
}
