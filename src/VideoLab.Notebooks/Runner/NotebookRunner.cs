using System.Diagnostics;
using VideoLab.Notebooks.Engine;
using VideoLab.Notebooks.Format;

namespace VideoLab.Notebooks.Runner;

/// <summary>How <see cref="NotebookRunner"/> runs notebooks.</summary>
public sealed record RunOptions
{
    /// <summary>Folder for executed notebooks (<c>name.ipynb</c>); null: beside each notebook as <c>name.executed.ipynb</c>.</summary>
    public string? OutputDirectory { get; init; }
    /// <summary>Also write an HTML page of each executed notebook.</summary>
    public bool Html { get; init; }
    /// <summary>Run the cells after a failing one too (default: stop at the first failure).</summary>
    public bool ContinueOnError { get; init; }
    /// <summary>Where restored packages are cached; null for the default.</summary>
    public string? CacheDirectory { get; init; }
}

/// <summary>A cell that failed: its 1-based position in the notebook, its id, and why.</summary>
public sealed record CellFailure(int Position, string? CellId, CellError Error)
{
    public override string ToString() =>
        $"cell {Position}{(CellId is null ? "" : $" (id {CellId})")}{(Error.Line is int l ? $", line {l}" : "")}: {Error.Name}: {Error.Message}";
}

/// <summary>What running one notebook gave.</summary>
public sealed record NotebookRun(string Notebook, string ExecutedPath, string? HtmlPath, IReadOnlyList<CellFailure> Failures, TimeSpan Elapsed)
{
    public bool Succeeded => Failures.Count == 0;
}

/// <summary>
/// Runs notebooks headlessly, in this process, on the same engine as the kernel: for people without
/// Jupyter and for CI. Each notebook gets a fresh engine whose folder (and current directory, as in
/// Jupyter) is the notebook's; the executed notebook keeps every cell and id, with outputs in nbformat.
/// </summary>
public static class NotebookRunner
{
    // The current directory is the process's, not the run's: two notebooks run at once in one process (the test suites
    // do) would see each other's, and a library lookup that starts from it (notebooks/reference, runs/) would find the
    // other notebook's folder. So runs in one process take turns.
    static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>Runs one notebook. Cell errors are reported in the result, not thrown.</summary>
    /// <exception cref="InvalidDataException">The file is not an nbformat 4 notebook.</exception>
    public static async Task<NotebookRun> RunAsync(string path, RunOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        var notebook = Notebook.Load(full);
        notebook.EnsureCSharpMetadata();
        var folder = Path.GetDirectoryName(full)!;
        var clock = Stopwatch.StartNew();
        var failures = new List<CellFailure>();

        foreach (var cell in notebook.Cells.Where(c => c.IsCode)) cell.ClearOutputs();

        await OneAtATime.WaitAsync(cancellationToken);
        var previousDirectory = Environment.CurrentDirectory;
        Environment.CurrentDirectory = folder;
        try
        {
            using var engine = new NotebookEngine(new EngineOptions
            {
                BaseDirectory = folder,
                CacheDirectory = options.CacheDirectory ?? Packages.NuGetRestorer.DefaultCacheRoot(),
            });
            var displays = new NotebookDisplays();
            for (int i = 0; i < notebook.Cells.Count; i++)
            {
                var cell = notebook.Cells[i];
                if (!cell.IsCode || string.IsNullOrWhiteSpace(cell.Source)) continue;
                var output = new NotebookCellOutput(cell, displays);
                var result = await engine.ExecuteAsync(cell.Source, output, cancellationToken, new CellRequest { CellId = cell.Id });
                cell.ExecutionCount = result.ExecutionCount;
                if (result.Value is { } value) output.Result(result.ExecutionCount, value);
                if (result.Error is { } error)
                {
                    output.Error(error);
                    var failure = new CellFailure(i + 1, cell.Id, error);
                    failures.Add(failure);
                    log.WriteLine($"{path}: {failure}");
                    if (!options.ContinueOnError) break;
                }
            }
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
            OneAtATime.Release();
        }

        var name = Path.GetFileNameWithoutExtension(full);
        var executed = options.OutputDirectory is { } outDir
            ? Path.Combine(Path.GetFullPath(outDir), name + ".ipynb")
            : Path.Combine(folder, name + ".executed.ipynb");
        notebook.Save(executed);
        string? html = null;
        if (options.Html)
        {
            html = Path.ChangeExtension(executed, ".html");
            await File.WriteAllTextAsync(html, HtmlExport.Render(notebook, name), cancellationToken);
        }
        return new NotebookRun(path, executed, html, failures, clock.Elapsed);
    }
}
