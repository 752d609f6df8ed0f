using System.Diagnostics;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Scripting.Hosting;
using VideoLab.Notebooks.Display;
using VideoLab.Notebooks.Packages;
using VideoLab.Notebooks.Scripting;

namespace VideoLab.Notebooks.Engine;

/// <summary>Settings of one notebook session.</summary>
public sealed class EngineOptions
{
    /// <summary>The notebook's folder: <c>#r</c> and <c>#i</c> paths are relative to it.</summary>
    public string BaseDirectory { get; init; } = Environment.CurrentDirectory;
    /// <summary>Where restored package projects and native library folders are kept.</summary>
    public string CacheDirectory { get; init; } = NuGetRestorer.DefaultCacheRoot();
    /// <summary>NuGet's global packages folder for <c>#r "nuget: …"</c>; null: NuGet's own (<c>NUGET_PACKAGES</c> or <c>~/.nuget/packages</c>).</summary>
    public string? PackagesFolder { get; init; }
    /// <summary>Whether cells get interrupt points (see <see cref="InterruptPoints"/>); off only to measure what they cost.</summary>
    public bool InsertInterruptPoints { get; init; } = true;
    /// <summary>How values are shown.</summary>
    public Formatters Formatters { get; init; } = Formatters.Default;
}

/// <summary>
/// Runs the C# cells of one notebook, in order, on Roslyn scripting: one script state per notebook, so
/// variables, methods, types and <c>using</c>s of a cell are seen by the next. A cell's trailing
/// expression (no semicolon) is its result. Console output, <c>display(x)</c> and errors go to the
/// cell's <see cref="ICellOutput"/>. Shared by the Jupyter kernel and the headless runner.
/// </summary>
public sealed class NotebookEngine : IDisposable
{
    static readonly string[] DefaultImports =
    [
        "System", "System.IO", "System.Linq", "System.Text", "System.Collections.Generic",
        "System.Threading", "System.Threading.Tasks", "VideoLab.Notebooks.Scripting",
    ];

    static readonly string[] DefaultFrameworkAssemblies =
    [
        "System.Runtime", "netstandard", "System.Collections", "System.Console", "System.Linq", "System.Linq.Expressions",
        "System.Text.RegularExpressions", "System.Text.Json", "System.Net.Http", "System.Memory", "System.Runtime.Numerics",
        "System.Threading", "System.Threading.Tasks", "System.Diagnostics.Process", "System.IO.Compression",
        "System.Runtime.InteropServices", "System.ComponentModel.Primitives", "System.Collections.Concurrent", "Microsoft.CSharp",
    ];

    readonly SemaphoreSlim _oneCellAtATime = new(1, 1);
    readonly InteractiveAssemblyLoader _loader = new();
    readonly NotebookGlobals _globals = new();
    readonly ReferenceManager _references;
    ScriptOptions _options;
    ScriptState<object?>? _state;
    volatile CancellationTokenSource? _running;
    int _interruptsAsked;
    int _executionCount, _submissions;
    readonly List<HistoryEntry> _history = [];

    public NotebookEngine(EngineOptions? options = null)
    {
        Options = options ?? new EngineOptions();
        Session = new NotebookSession(Options.Formatters);
        _references = new ReferenceManager(Options.BaseDirectory, Options.CacheDirectory, Options.PackagesFolder);
        ConsoleRouter.Install();
        _options = ScriptOptions.Default
            .AddReferences(DefaultFrameworkAssemblies.Select(n => Assembly.Load(n)))
            .AddReferences(typeof(NotebookGlobals).Assembly)
            .WithImports(DefaultImports)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(Encoding.UTF8)
            .WithAllowUnsafe(true);
    }

    public EngineOptions Options { get; }

    /// <summary>Formatters and the HTML already sent, for this notebook.</summary>
    public NotebookSession Session { get; }

    /// <summary>How many cells have been run (Jupyter's execution count of the last one); runs that store no history do not count.</summary>
    public int ExecutionCount => _executionCount;

    /// <summary>The cells run with history, in order (Jupyter's <c>history_request</c>), with their results as text.</summary>
    public IReadOnlyList<HistoryEntry> History { get { lock (_history) return [.. _history]; } }

    /// <summary>The notebook's variables now (the latest of each name), as <c>#!whos</c> lists them.</summary>
    public IReadOnlyList<VariableInfo> Variables =>
        _state is not { } state ? [] :
        [.. state.Variables.Where(v => !v.Name.StartsWith('<')).GroupBy(v => v.Name).Select(g => g.Last())
                 .Select(v => new VariableInfo(v.Name, VariableTable.TypeName(v.Type), VariableTable.Describe(v.Value)))];

    /// <summary>Runs one cell. Never throws for the cell's own errors: they come back in <see cref="CellResult.Error"/>.</summary>
    /// <param name="code">The cell's source, directives included.</param>
    /// <param name="output">Where its console text and displays go as they happen.</param>
    /// <param name="cancellationToken">Stops the cell (as <see cref="Interrupt"/> does).</param>
    /// <param name="request">Which cell and front-end page the run comes from, when known.</param>
    public async Task<CellResult> ExecuteAsync(string code, ICellOutput output, CancellationToken cancellationToken = default, CellRequest? request = null)
    {
        await _oneCellAtATime.WaitAsync(cancellationToken);
        var storeHistory = request?.StoreHistory ?? true;
        var cell = new CellNumber(storeHistory ? ++_executionCount : _executionCount, ++_submissions);
        using var interrupt = new CancellationTokenSource();
        // An interrupt that raced with the end of the previous cell is settled here.
        if (Interlocked.Exchange(ref _interruptsAsked, 0) == 1) Interruption.Ended();
        _running = interrupt;
        using var caller = cancellationToken.Register(Interrupt);
        try
        {
            CellResult result;
            using (var scope = CellScope.Enter(output, Session, interrupt.Token, request, code))
                result = await RunCellAsync(cell, code, scope, interrupt.Token);
            if (storeHistory) lock (_history) _history.Add(new HistoryEntry(cell.Count, code, result.Value?[MimeBundle.PlainText]));
            return result;
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            if (storeHistory) lock (_history) _history.Add(new HistoryEntry(cell.Count, code, null));
            return Failed(cell, CellError.Interrupted, "The cell was interrupted.", null);
        }
        finally
        {
            _running = null;
            if (Interlocked.Exchange(ref _interruptsAsked, 0) == 1) Interruption.Ended();
            _oneCellAtATime.Release();
        }
    }

    /// <summary>
    /// Interrupts the running cell, if any: its own loops and methods stop at their next interrupt point, library
    /// loops that observe <c>HostCancellation</c> (the Trainer) at their next step, code that checks
    /// <c>CancellationToken</c> when it does, and a long blocking wait on the cell's thread is woken up. Code
    /// that does none of these (a long native call) runs to its end: the cell says so, and stays running.
    /// </summary>
    public void Interrupt()
    {
        var running = _running;
        if (running is null || Interlocked.Exchange(ref _interruptsAsked, 1) == 1) return;
        Interruption.Requested();
        try { running.Cancel(); }
        catch (ObjectDisposedException) { /* the cell just ended */ }
    }

    /// <summary>How long an interrupted cell may take to reach an interrupt point before the user is told it cannot be stopped.</summary>
    public static readonly TimeSpan InterruptGrace = TimeSpan.FromSeconds(3);

    static async Task<ScriptState<object?>> WaitAsync(CellRun run, CellScope scope, CancellationToken token)
    {
        var interrupted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (token.Register(() => interrupted.TrySetResult()))
            await Task.WhenAny(run.Completion, interrupted.Task);
        if (!run.Completion.IsCompleted)
        {
            var deadline = DateTime.UtcNow + InterruptGrace;
            while (!run.Completion.IsCompleted && DateTime.UtcNow < deadline)
            {
                run.WakeIfWaiting();
                await Task.WhenAny(run.Completion, Task.Delay(100));
            }
            if (!run.Completion.IsCompleted)
            {
                scope.Write("stderr", StillRunning);
                scope.Flush();
            }
        }
        return await run.Completion;
    }

    const string StillRunning =
        "Interrupted, but this cell is still running: it is inside code that does not check for interrupts " +
        "(a library or native call). .NET cannot stop a thread safely from outside, so the kernel stays busy until " +
        "that call returns. To stop it now, restart the kernel (Kernel > Restart); the notebook's variables are lost.\n";

    /// <summary>A run's execution count (what the user sees) and its submission number (unique, names the script file).</summary>
    readonly record struct CellNumber(int Count, int Submission);

    async Task<CellResult> RunCellAsync(CellNumber cell, string source, CellScope scope, CancellationToken token)
    {
        string code;
        try
        {
            (code, var directives) = Directives.Extract(source);
            if (directives.Count > 0)
            {
                var added = await _references.ApplyAsync(directives, token);
                _options = _options.AddReferences(added.Assemblies).AddReferences(added.Files);
                foreach (var note in added.Notes) scope.Display(note);
                if (directives.OfType<WhosDirective>().Any()) scope.Display(new VariableListing(Variables));
            }
        }
        catch (DirectiveException e)
        {
            return Failed(cell, CellError.Directive, e.Message, e.Line);
        }
        catch (VideoLab.Runtime.TorchRuntimeException e)
        {
            return Failed(cell, CellError.Directive, e.Message, null);
        }
        if (string.IsNullOrWhiteSpace(code))
            return new CellResult(cell.Count, null, null);

        var options = _options.WithFilePath(CellPath(cell.Submission));
        Script<object?> Compiled(string text) => _state is null
            ? CSharpScript.Create(text, options, typeof(NotebookGlobals), _loader)
            : _state.Script.ContinueWith(text, options);
        var script = Compiled(Options.InsertInterruptPoints ? InterruptPoints.Insert(code) : code);
        if (script.Compile(token).Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            // Errors are reported against the cell as written (the checks shift columns on their lines).
            var original = Compiled(code);
            var errors = original.Compile(token).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0) return CompileFailed(cell, errors);
            script = original;
        }

        var previous = _state;
        VideoLab.Runtime.HostCancellation.Set(token);  // library loops (Trainer.Fit) see the interrupt too
        var run = CellRun.Start(() => previous is null ? script.RunAsync(_globals, _ => true) : script.RunFromAsync(previous, _ => true));
        var state = await WaitAsync(run, scope, token);
        _state = state;
        if (state.Exception is { } exception)
            return token.IsCancellationRequested && exception is OperationCanceledException or ThreadInterruptedException
                ? Interrupted(cell, exception)
                : RuntimeFailed(cell, exception);

        var value = HasTrailingExpression(script) && state.ReturnValue is { } result ? Session.Format(result) : null;
        scope.Flush();
        scope.SendSharedAssets();
        return new CellResult(cell.Count, value, null);
    }

    /// <summary>Whether <paramref name="code"/> is a whole submission (Jupyter's <c>is_complete</c>): "complete", "incomplete" or "invalid".</summary>
    public string IsComplete(string code)
    {
        try
        {
            var (csharp, _) = Directives.Extract(code);
            var tree = CSharpSyntaxTree.ParseText(csharp, new CSharpParseOptions(kind: SourceCodeKind.Script));
            return SyntaxFactory.IsCompleteSubmission(tree) ? "complete" : "incomplete";
        }
        catch (DirectiveException)
        {
            return "invalid";
        }
    }

    /// <summary>The symbol at <paramref name="cursor"/> (or the method whose arguments it is in): signatures and documentation; null if none.</summary>
    public Inspection? Inspect(string code, int cursor) =>
        Inspection.Find(code, cursor, _state?.Script, _options, _loader);

    /// <summary>Names that can be typed at <paramref name="cursor"/>, from the compilation of the cell in this notebook's state.</summary>
    public Completions Complete(string code, int cursor) =>
        Completions.Find(code, cursor, _state?.Script, _options, _loader);

    static string CellPath(int submission) => $"cell-{submission}.csx";

    static bool HasTrailingExpression(Script script)
    {
        var root = script.GetCompilation().SyntaxTrees.Last().GetRoot();
        return root is CompilationUnitSyntax unit
               && unit.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax statement }
               && statement.SemicolonToken.IsMissing;
    }

    static CellResult Failed(CellNumber cell, string name, string message, int? line)
    {
        var error = new CellError(name, message, cell.Count, line, []);
        return new CellResult(cell.Count, null, error with { Traceback = [error.ToString()] });
    }

    static CellResult CompileFailed(CellNumber cell, IReadOnlyList<Diagnostic> errors)
    {
        var lines = errors.Select(d =>
        {
            var line = d.Location.GetLineSpan().StartLinePosition;
            return (Line: line.Line + 1, Text: $"cell {cell.Count}, line {line.Line + 1}, column {line.Character + 1}: error {d.Id}: {d.GetMessage()}");
        }).ToList();
        var message = string.Join("\n", lines.Select(l => l.Text));
        return new CellResult(cell.Count, null, new CellError(CellError.Compilation, message, cell.Count, lines[0].Line, [.. lines.Select(l => l.Text)]));
    }

    static CellResult Interrupted(CellNumber cell, Exception exception)
    {
        var line = CellLine(cell, exception);
        return Failed(cell, CellError.Interrupted, line is int l ? $"The cell was interrupted at line {l}." : "The cell was interrupted.", line);
    }

    /// <summary>The line of the cell where <paramref name="exception"/> was thrown or passed through, if any.</summary>
    static int? CellLine(CellNumber cell, Exception exception)
    {
        var path = CellPath(cell.Submission);
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: true).GetFrames())
            if (frame.GetFileName() is { } file && Path.GetFileName(file) == path && frame.GetFileLineNumber() > 0)
                return frame.GetFileLineNumber();
        return null;
    }

    static CellResult RuntimeFailed(CellNumber cell, Exception exception)
    {
        while (exception is TargetInvocationException or AggregateException { InnerExceptions.Count: 1 } && exception.InnerException is { } inner)
            exception = inner;
        var line = CellLine(cell, exception);
        var name = exception.GetType().FullName ?? exception.GetType().Name;
        var error = new CellError(name, exception.Message, cell.Count, line, []);
        // The stack down to the script's entry: frames of the scripting host say nothing to the user.
        var frames = (exception.StackTrace ?? "").Split('\n')
            .Select(l => l.TrimEnd())
            .TakeWhile(l => !l.Contains("Microsoft.CodeAnalysis.Scripting"))
            .Where(l => l.Length > 0 && !l.StartsWith("--- End of stack trace", StringComparison.Ordinal));
        return new CellResult(cell.Count, null, error with { Traceback = [error.ToString(), .. frames] });
    }

    public void Dispose()
    {
        _loader.Dispose();
        _oneCellAtATime.Dispose();
    }
}
