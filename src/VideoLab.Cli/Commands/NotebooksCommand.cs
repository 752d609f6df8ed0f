using System.CommandLine;
using Spectre.Console;
using VideoLab.Notebooks.Runner;
using VideoLab.Runtime;

namespace VideoLab.Cli.Commands;

/// <summary>
/// <c>videolab notebooks run notebooks/*.ipynb [--mode ci|cpu|gpu] [--out DIR] [--html] [--continue]</c>: runs notebooks
/// headlessly on VideoLab's notebook engine (no Python or Jupyter needed) and writes the executed notebooks.
/// <c>--mode</c> sets <c>VIDEOLAB_MODE</c>, which a notebook's <c>Lab.Mode = Lab.DefaultMode;</c> reads; <c>--quick</c> is <c>--mode ci</c>.
/// Exits 1 when a cell failed; each failure is reported on stderr as it happens, with notebook, cell, line and why.
/// </summary>
static class NotebooksCommand
{
    public static Command Create()
    {
        var notebooks = new Argument<string[]>("notebooks") { Description = "Notebook files (.ipynb) to run, in order.", Arity = ArgumentArity.OneOrMore };
        var mode = new Option<string?>("--mode")
        {
            Description = $"The tutorials' budget: ci (seconds, tiny models), cpu (minutes, the default without CUDA) or gpu (published sizes, " +
                          $"the default with CUDA); sets {Lab.ModeVariable}.",
        };
        mode.AcceptOnlyFromAmong("ci", "cpu", "gpu");
        var quick = new Option<bool>("--quick") { Description = "The same as --mode ci." };
        var output = new Option<string?>("--out") { Description = "Folder for the executed notebooks (default: beside each, as NAME.executed.ipynb)." };
        var html = new Option<bool>("--html") { Description = "Also write an HTML page of each executed notebook." };
        var keepGoing = new Option<bool>("--continue") { Description = "Run the remaining cells after a failing cell." };
        var run = new Command("run", "Execute notebooks in this process and save them with their outputs.") { notebooks, mode, quick, output, html, keepGoing };
        run.SetAction((parse, cancellation) => Run(parse.GetValue(notebooks)!, parse.GetValue(quick) ? "ci" : parse.GetValue(mode), parse.GetValue(output),
                                                   parse.GetValue(html), parse.GetValue(keepGoing), cancellation));
        return new Command("notebooks", "Work with the C# notebooks.") { run };
    }

    static async Task<int> Run(string[] paths, string? mode, string? outDir, bool html, bool keepGoing, CancellationToken cancellation)
    {
        var missing = paths.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] no such notebook: {string.Join(", ", missing)}");
            return 2;
        }
        if (mode is not null) Environment.SetEnvironmentVariable(Lab.ModeVariable, mode);
        var options = new RunOptions { OutputDirectory = outDir, Html = html, ContinueOnError = keepGoing };
        var failed = 0;
        foreach (var path in paths)
        {
            Console.WriteLine($"running {path}");
            NotebookRun result;
            try
            {
                result = await NotebookRunner.RunAsync(path, options, Console.Error, cancellation);
            }
            catch (InvalidDataException e)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {path}: {e.Message}");
                failed++;
                continue;
            }
            // Plain lines (no markup wrapping) so that paths and messages stay whole for logs and CI.
            var status = result.Succeeded ? "ok" : $"FAILED ({result.Failures.Count} cell{(result.Failures.Count == 1 ? "" : "s")})";
            Console.WriteLine($"{status} {path} in {result.Elapsed.TotalSeconds:F1} s -> {result.ExecutedPath}" +
                              (result.HtmlPath is null ? "" : $", {result.HtmlPath}"));
            if (!result.Succeeded) failed++;
        }
        return failed == 0 ? 0 : 1;
    }
}
