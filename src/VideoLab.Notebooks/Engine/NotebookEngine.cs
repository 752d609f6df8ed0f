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
    CancellationTokenSource? _running;
    int _executionCount;

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

    /// <summary>How many cells have been run (Jupyter's execution count of the last one).</summary>
    public int ExecutionCount => _executionCount;

    /// <summary>Runs one cell. Never throws for the cell's own errors: they come back in <see cref="CellResult.Error"/>.</summary>
    /// <param name="code">The cell's source, directives included.</param>
    /// <param name="output">Where its console text and displays go as they happen.</param>
    /// <param name="cancellationToken">Stops the cell (as <see cref="Interrupt"/> does).</param>
    /// <param name="request">Which cell and front-end page the run comes from, when known.</param>
    public async Task<CellResult> ExecuteAsync(string code, ICellOutput output, CancellationToken cancellationToken = default, CellRequest? request = null)
    {
        await _oneCellAtATime.WaitAsync(cancellationToken);
        var cell = Interlocked.Increment(ref _executionCount);
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _running = interrupt;
        try
        {
            using var scope = CellScope.Enter(output, Session, interrupt.Token, request, code);
            return await RunCellAsync(cell, code, scope, interrupt.Token);
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            return Failed(cell, CellError.Interrupted, "The cell was interrupted.", null);
        }
        finally
        {
            _running = null;
            _oneCellAtATime.Release();
        }
    }

    /// <summary>Interrupts the running cell, if any. Code that checks <c>CancellationToken</c> stops; the notebook goes on either way.</summary>
    public void Interrupt()
    {
        try { _running?.Cancel(); }
        catch (ObjectDisposedException) { /* the cell just ended */ }
    }

    async Task<CellResult> RunCellAsync(int cell, string source, CellScope scope, CancellationToken token)
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
            return new CellResult(cell, null, null);

        var options = _options.WithFilePath(CellPath(cell));
        var script = _state is null
            ? CSharpScript.Create(code, options, typeof(NotebookGlobals), _loader)
            : _state.Script.ContinueWith(code, options);
        var errors = script.Compile(token).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
            return CompileFailed(cell, errors);

        var previous = _state;
        var running = Task.Run(() => previous is null
            ? script.RunAsync(_globals, _ => true, token)
            : script.RunFromAsync(previous, _ => true, token), token);
        var state = await running.WaitAsync(token);
        _state = state;
        if (state.Exception is { } exception)
            return RuntimeFailed(cell, exception);

        var value = HasTrailingExpression(script) && state.ReturnValue is { } result ? Session.Format(result) : null;
        scope.Flush();
        scope.SendSharedAssets();
        return new CellResult(cell, value, null);
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

    /// <summary>Names that can be typed at <paramref name="cursor"/>, from the compilation of the cell in this notebook's state.</summary>
    public Completions Complete(string code, int cursor) =>
        Completions.Find(code, cursor, _state?.Script, _options, _loader);

    static string CellPath(int cell) => $"cell-{cell}.csx";

    static bool HasTrailingExpression(Script script)
    {
        var root = script.GetCompilation().SyntaxTrees.Last().GetRoot();
        return root is CompilationUnitSyntax unit
               && unit.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax statement }
               && statement.SemicolonToken.IsMissing;
    }

    static CellResult Failed(int cell, string name, string message, int? line)
    {
        var error = new CellError(name, message, cell, line, []);
        return new CellResult(cell, null, error with { Traceback = [error.ToString()] });
    }

    static CellResult CompileFailed(int cell, IReadOnlyList<Diagnostic> errors)
    {
        var lines = errors.Select(d =>
        {
            var line = d.Location.GetLineSpan().StartLinePosition;
            return (Line: line.Line + 1, Text: $"cell {cell}, line {line.Line + 1}, column {line.Character + 1}: error {d.Id}: {d.GetMessage()}");
        }).ToList();
        var message = string.Join("\n", lines.Select(l => l.Text));
        return new CellResult(cell, null, new CellError(CellError.Compilation, message, cell, lines[0].Line, [.. lines.Select(l => l.Text)]));
    }

    static CellResult RuntimeFailed(int cell, Exception exception)
    {
        while (exception is TargetInvocationException or AggregateException { InnerExceptions.Count: 1 } && exception.InnerException is { } inner)
            exception = inner;
        var path = CellPath(cell);
        int? line = null;
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: true).GetFrames())
            if (frame.GetFileName() is { } file && Path.GetFileName(file) == path && frame.GetFileLineNumber() > 0)
            {
                line = frame.GetFileLineNumber();
                break;
            }
        var name = exception.GetType().FullName ?? exception.GetType().Name;
        var error = new CellError(name, exception.Message, cell, line, []);
        // The stack down to the script's entry: frames of the scripting host say nothing to the user.
        var frames = (exception.StackTrace ?? "").Split('\n')
            .Select(l => l.TrimEnd())
            .TakeWhile(l => !l.Contains("Microsoft.CodeAnalysis.Scripting"))
            .Where(l => l.Length > 0 && !l.StartsWith("--- End of stack trace", StringComparison.Ordinal));
        return new CellResult(cell, null, error with { Traceback = [error.ToString(), .. frames] });
    }

    public void Dispose()
    {
        _loader.Dispose();
        _oneCellAtATime.Dispose();
    }
}
