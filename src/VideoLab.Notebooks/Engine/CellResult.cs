using VideoLab.Notebooks.Display;

namespace VideoLab.Notebooks.Engine;

/// <summary>What running one cell gave: its trailing expression's value (if any) or the error that stopped it.</summary>
public sealed record CellResult(int ExecutionCount, MimeBundle? Value, CellError? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>Why a cell failed, located in the notebook: which cell (execution count) and which line of it.</summary>
/// <param name="Name">The error's kind: an exception type, <c>CompilationError</c>, <c>DirectiveError</c> or <c>Interrupted</c>.</param>
/// <param name="Message">What went wrong, in one or a few lines.</param>
/// <param name="Cell">The execution count of the cell.</param>
/// <param name="Line">1-based line inside the cell, when known.</param>
/// <param name="Traceback">Lines for Jupyter's <c>traceback</c> field.</param>
public sealed record CellError(string Name, string Message, int Cell, int? Line, IReadOnlyList<string> Traceback)
{
    public const string Compilation = "CompilationError";
    public const string Directive = "DirectiveError";
    public const string Interrupted = "Interrupted";

    /// <summary>"cell 3, line 2: CompilationError: …".</summary>
    public override string ToString() =>
        $"cell {Cell}{(Line is int l ? $", line {l}" : "")}: {Name}: {Message}";
}

/// <summary>A cell run kept in the history: its execution count, its source and its result as text (if it had one).</summary>
public sealed record HistoryEntry(int Line, string Input, string? Output);
