using System.Text.Json.Nodes;
using VideoLab.Notebooks.Format;

namespace VideoLab.Notebooks.Tests.Kernel;

/// <summary>The kernel driven by the real Jupyter client: Debian's <c>jupyter nbconvert --execute</c> (nbclient).</summary>
public sealed class NbconvertTests
{
    [Fact]
    public async Task Jupyter_nbconvert_executes_a_notebook_on_the_installed_videolab_kernel()
    {
        var folder = TestPaths.TempFolder("nbconvert");
        var prefix = Path.Combine(folder, "prefix");
        var install = await Processes.Run("dotnet", [TestPaths.CliDll, "kernel", "install", "--prefix", prefix], TimeSpan.FromMinutes(1));
        Assert.True(install.ExitCode == 0, install.ToString());
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(prefix, "share", "jupyter", "kernels", "videolab", "kernel.json")))!;
        Assert.Equal("C# (VideoLab)", (string?)spec["display_name"]);
        Assert.Equal("C#", (string?)spec["language"]);
        Assert.Equal("message", (string?)spec["interrupt_mode"]);
        Assert.Equal([TestPaths.CliDll, "kernel", "run", "--connection-file", "{connection_file}"],
                     spec["argv"]!.AsArray().Skip(1).Select(a => (string?)a));

        var notebook = Notebook.Create([
            ("markdown", "# Through Jupyter"),
            ("code", "Console.WriteLine(\"hello from C#\");\nvar progress = display(\"step 0\");"),
            ("code", "for (int step = 1; step <= 3; step++) progress.Update($\"step {step}\");\nvar total = 40;"),
            ("code", "total + 2"),
            ("code", "var fine = 1;\nthrow new InvalidOperationException(\"expected failure\");"),
        ]);
        var input = Path.Combine(folder, "input.ipynb");
        notebook.Save(input);

        var result = await Processes.Run("/usr/bin/jupyter",
            ["nbconvert", "--to", "notebook", "--execute", "--allow-errors", "--ExecutePreprocessor.kernel_name=videolab",
             "--ExecutePreprocessor.timeout=120", "--output", "executed.ipynb", input],
            TimeSpan.FromMinutes(4),
            new Dictionary<string, string>
            {
                ["JUPYTER_PATH"] = Path.Combine(prefix, "share", "jupyter"),
                ["JUPYTER_RUNTIME_DIR"] = Path.Combine(folder, "runtime"),
                ["JUPYTER_PLATFORM_DIRS"] = "1",
            },
            folder);
        Assert.True(result.ExitCode == 0, result.ToString());

        var executedPath = Path.Combine(folder, "executed.ipynb");
        await Processes.AssertValidNotebook(executedPath);
        var executed = Notebook.Load(executedPath);
        Assert.Equal(notebook.Cells.Select(c => c.Id), executed.Cells.Select(c => c.Id));

        var first = executed.Cells[1].Outputs.OfType<JsonObject>().ToList();
        Assert.Equal("stream", (string?)first[0]["output_type"]);
        Assert.Equal("hello from C#\n", Notebook.Text(first[0]["text"]));
        // nbclient applied update_display_data to the output shown by the earlier cell.
        Assert.Equal("step 3", Notebook.Text(first[1]["data"]!["text/plain"]));

        var answer = executed.Cells[3].Outputs.Single()!.AsObject();
        Assert.Equal("execute_result", (string?)answer["output_type"]);
        Assert.Equal("42", Notebook.Text(answer["data"]!["text/plain"]));
        Assert.Equal(3, (int?)answer["execution_count"]);

        var error = executed.Cells[4].Outputs.Single()!.AsObject();
        Assert.Equal("error", (string?)error["output_type"]);
        Assert.Equal("System.InvalidOperationException", (string?)error["ename"]);
        Assert.Equal("expected failure", (string?)error["evalue"]);
        Assert.Contains("line 2", (string?)error["traceback"]![0]);
    }
}
