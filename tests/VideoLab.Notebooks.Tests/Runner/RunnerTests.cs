using System.Text.Json.Nodes;
using VideoLab.Notebooks.Format;
using VideoLab.Notebooks.Runner;

namespace VideoLab.Notebooks.Tests.Runner;

public sealed class RunnerTests
{
    static string WriteNotebook(string folder, string name, params (string Type, string Source)[] cells)
    {
        var notebook = Notebook.Create(cells);
        notebook.Metadata["custom_tool"] = new JsonObject { ["kept"] = true };
        var path = Path.Combine(folder, name + ".ipynb");
        notebook.Save(path);
        return path;
    }

    /// <summary>
    /// A notebook sees its own folder as the current directory for its whole run, even while another notebook runs in the
    /// same process: the directory is the process's, so runs take turns (the tutorial tests run 07-gallery, which finds
    /// notebooks/reference from it, beside these tests).
    /// </summary>
    [Fact]
    public async Task Notebooks_run_at_once_each_see_their_own_folder_as_the_current_directory()
    {
        var folders = new[] { TestPaths.TempFolder("runner-a"), TestPaths.TempFolder("runner-b") };
        var sources = folders.Select(f => WriteNotebook(f, "where",
            ("code", "var before = Environment.CurrentDirectory;\nawait Task.Delay(300);\nbefore + \"|\" + Environment.CurrentDirectory"))).ToList();

        var runs = await Task.WhenAll(sources.Select(s => NotebookRunner.RunAsync(s, new RunOptions { OutputDirectory = Path.Combine(Path.GetDirectoryName(s)!, "out") }, TextWriter.Null)));

        foreach (var (run, folder) in runs.Zip(folders))
        {
            Assert.True(run.Succeeded, string.Join("\n", run.Failures));
            var seen = Notebook.Text(Notebook.Load(run.ExecutedPath).Cells[0].Outputs.Single()!["data"]!["text/plain"]);
            var expected = Path.GetFullPath(folder);
            Assert.Equal($"{expected}|{expected}", seen);
        }
    }

    [Fact]
    public async Task The_executed_notebook_holds_every_output_in_nbformat_and_keeps_cells_ids_and_metadata()
    {
        var folder = TestPaths.TempFolder("runner");
        var source = WriteNotebook(folder, "demo",
            ("markdown", "# Demo\nSome *text*."),
            ("code", "Console.WriteLine(\"line 1\");\nConsole.WriteLine(\"line 2\");\nvar shown = display(\"draft\");\nshown.Update(\"final\");"),
            ("code", "var answer = 6 * 7;\nshown.Update(\"updated from a later cell\");\nanswer"),
            ("code", $"#r \"{TestPaths.LibraryDll}\"\nusing Plotly.NET.CSharp;\nChart.Line<int, int, string>(new[] {{ 1, 2 }}, new[] {{ 3, answer }})"));
        var original = Notebook.Load(source);

        var run = await NotebookRunner.RunAsync(source, new RunOptions { OutputDirectory = Path.Combine(folder, "out"), Html = true }, TextWriter.Null);

        Assert.True(run.Succeeded, string.Join("\n", run.Failures));
        Assert.Equal(Path.Combine(folder, "out", "demo.ipynb"), run.ExecutedPath);
        await Processes.AssertValidNotebook(run.ExecutedPath);
        var executed = Notebook.Load(run.ExecutedPath);
        Assert.Equal(original.Cells.Select(c => (c.Id, c.CellType, c.Source)), executed.Cells.Select(c => (c.Id, c.CellType, c.Source)));
        Assert.Equal(true, (bool?)executed.Metadata["custom_tool"]?["kept"]);
        Assert.Equal(KernelInfo.Name, (string?)executed.Metadata["kernelspec"]?["name"]);
        Assert.Equal("csharp", (string?)executed.Cells[1].Metadata["polyglot_notebook"]?["kernelName"]);

        var printing = executed.Cells[1].Outputs.OfType<JsonObject>().ToList();
        Assert.Equal(["stream", "display_data"], printing.Select(o => (string?)o["output_type"]));
        Assert.Equal(["line 1\n", "line 2\n"], printing[0]["text"]!.AsArray().Select(l => (string?)l));
        Assert.Equal("updated from a later cell", Notebook.Text(printing[1]["data"]!["text/plain"]));

        var result = executed.Cells[2].Outputs.Single()!.AsObject();
        Assert.Equal("execute_result", (string?)result["output_type"]);
        Assert.Equal(executed.Cells[2].ExecutionCount, (int?)result["execution_count"]);
        Assert.Equal("42", Notebook.Text(result["data"]!["text/plain"]));

        var chart = Notebook.Text(executed.Cells[3].Outputs.Last()!["data"]!["text/html"]);
        Assert.Contains("Plotly.newPlot", chart);

        var html = await File.ReadAllTextAsync(run.HtmlPath!);
        Assert.Contains("<h1", html);
        Assert.Contains("<em>text</em>", html);
        Assert.Contains("line 2", html);
        Assert.Contains("Plotly.newPlot", html);
        Assert.DoesNotContain("<script src=", html);
    }

    [Fact]
    public async Task A_failing_cell_stops_the_run_unless_continue_and_is_reported_with_its_position()
    {
        var folder = TestPaths.TempFolder("runner-fail");
        var source = WriteNotebook(folder, "broken",
            ("code", "var ok = 1;"),
            ("markdown", "between"),
            ("code", "var x = 1;\nthrow new ArgumentException(\"bad value\");"),
            ("code", "Console.WriteLine(\"after\");"));
        var log = new StringWriter();

        var stopped = await NotebookRunner.RunAsync(source, new RunOptions(), log);
        var failure = Assert.Single(stopped.Failures);
        Assert.Equal(3, failure.Position);
        Assert.Equal(2, failure.Error.Line);
        Assert.Contains("cell 3", log.ToString());
        Assert.Contains("bad value", log.ToString());
        Assert.Equal(Path.Combine(folder, "broken.executed.ipynb"), stopped.ExecutedPath);
        await Processes.AssertValidNotebook(stopped.ExecutedPath);
        var executed = Notebook.Load(stopped.ExecutedPath);
        Assert.Equal(4, executed.Cells.Count);
        Assert.Equal("error", (string?)executed.Cells[2].Outputs.Single()!["output_type"]);
        Assert.Empty(executed.Cells[3].Outputs);

        var continued = await NotebookRunner.RunAsync(source, new RunOptions { ContinueOnError = true }, TextWriter.Null);
        Assert.Single(continued.Failures);
        Assert.Equal("after\n", Notebook.Text(Notebook.Load(continued.ExecutedPath).Cells[3].Outputs.Single()!["text"]));
    }

    [Fact]
    public async Task The_cli_runs_notebooks_in_quick_mode_and_exits_non_zero_naming_the_failed_cell()
    {
        var folder = TestPaths.TempFolder("cli");
        var good = WriteNotebook(folder, "good", ("code", "Environment.GetEnvironmentVariable(\"VIDEOLAB_MODE\")"));
        var bad = WriteNotebook(folder, "bad", ("code", "1 +"));
        var outDir = Path.Combine(folder, "out");

        var result = await Processes.Run("dotnet", [TestPaths.CliDll, "notebooks", "run", good, bad, "--quick", "--out", outDir, "--html"],
                                         TimeSpan.FromMinutes(3));

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"bad\.ipynb: cell 1 \(id \w+\), line 1: CompilationError: .*CS1733", result.Stderr);
        Assert.Contains("FAILED (1 cell) " + bad, result.Stdout);
        var executed = Notebook.Load(Path.Combine(outDir, "good.ipynb"));
        Assert.Equal("ci", Notebook.Text(executed.Cells[0].Outputs.Single()!["data"]!["text/plain"]));  // --quick is --mode ci
        Assert.True(File.Exists(Path.Combine(outDir, "good.html")));
        await Processes.AssertValidNotebook(Path.Combine(outDir, "bad.ipynb"));
    }
}
