using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Scripting.Hosting;
using VideoLab.Notebooks.Scripting;

namespace VideoLab.Notebooks.Engine;

/// <summary>
/// A cell being edited, compiled as the next submission of the notebook (not run): Roslyn's syntax tree and
/// semantic model of it, for completions and inspection. Directive lines are blanked, so positions in the
/// cell are positions in the tree.
/// </summary>
sealed class CellModel
{
    public required SyntaxTree Tree { get; init; }
    public required SemanticModel Semantics { get; init; }

    /// <summary>Null when the cell's directives cannot be read.</summary>
    public static CellModel? Create(string code, Script? previous, ScriptOptions options, InteractiveAssemblyLoader loader)
    {
        string csharp;
        try { (csharp, _) = Directives.Extract(code); }
        catch (DirectiveException) { return null; }
        var script = previous is null
            ? CSharpScript.Create(csharp, options, typeof(NotebookGlobals), loader)
            : previous.ContinueWith(csharp, options);
        var compilation = script.GetCompilation();
        var tree = compilation.SyntaxTrees.Last();
        return new CellModel { Tree = tree, Semantics = compilation.GetSemanticModel(tree) };
    }
}
