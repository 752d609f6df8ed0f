using System.CommandLine;
using Spectre.Console;
using VideoLab.Notebooks.Runner;
using VideoLab.Runtime;

namespace VideoLab.Cli.Commands;

/// <summary>
/// <c>videolab notebooks run notebooks/*.ipynb [--quick] [--out DIR] [--html] [--continue]</c>: runs notebooks
/// headlessly on VideoLab's notebook engine (no Python or Jupyter needed) and writes the executed notebooks.
/// Exits 1 when a cell failed; each failure is reported on stderr as it happens, with notebook, cell, line and why.
/// </summary>
static class NotebooksCommand
{
    public static Command Create()
    {
        var notebooks = new Argument<string[]>("notebooks") { Description = "Notebook files (.ipynb) to run, in order.", Arity = ArgumentArity.OneOrMore };
        var quick = new Option<bool>("--quick") { Description = $"Quick mode: sets {Lab.QuickVariable}=1 so notebooks shrink data, models and epochs." };
        var output = new Option<string?>("--out") { Description = "Folder for the executed notebooks (default: beside each, as NAME.executed.ipynb)." };
        var html = new Option<bool>("--html") { Description = "Also write an HTML page of each executed notebook." };
        var keepGoing = new Option<bool>("--continue") { Description = "Run the remaining cells after a failing cell." };
        var run = new Command("run", "Execute notebooks in this process and save them with their outputs.") { notebooks, quick, output, html, keepGoing };
        run.SetAction((parse, cancellation) => Run(parse.GetValue(notebooks)!, parse.GetValue(quick), parse.GetValue(output),
                                                   parse.GetValue(html), parse.GetValue(keepGoing), cancellation));
        return new Command("notebooks", "Work with the C# notebooks.") { run };
    }

    static async Task<int> Run(string[] paths, bool quick, string? outDir, bool html, bool keepGoing, CancellationToken cancellation)
    {
        var missing = paths.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] no such notebook: {string.Join(", ", missing)}");
            return 2;
        }
        if (quick) Environment.SetEnvironmentVariable(Lab.QuickVariable, "1");
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
