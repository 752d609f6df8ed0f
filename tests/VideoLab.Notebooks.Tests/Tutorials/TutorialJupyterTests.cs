using System.Text.Json.Nodes;
using VideoLab.Notebooks.Format;

namespace VideoLab.Notebooks.Tests.Tutorials;

/// <summary>One tutorial through the real Jupyter client: Debian's <c>jupyter nbconvert --execute</c> on the <c>videolab</c> kernel.</summary>
public sealed class TutorialJupyterTests
{
    [Fact]
    public async Task The_data_notebook_runs_through_jupyter_nbconvert_on_the_videolab_kernel()
    {
        var folder = TestPaths.TempFolder("tutorial-nbconvert");
        var prefix = Path.Combine(folder, "prefix");
        var install = await Processes.Run("dotnet", [TestPaths.CliDll, "kernel", "install", "--prefix", prefix], TimeSpan.FromMinutes(1));
        Assert.True(install.ExitCode == 0, install.ToString());

        var notebooks = Path.Combine(TestPaths.RepositoryRoot, "notebooks");
        var result = await Processes.Run("/usr/bin/jupyter",
            ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=videolab", "--ExecutePreprocessor.timeout=900",
             "--output-dir", folder, "--output", "01-data.ipynb", Path.Combine(notebooks, "01-data.ipynb")],
            TimeSpan.FromMinutes(15),
            new Dictionary<string, string>
            {
                ["JUPYTER_PATH"] = Path.Combine(prefix, "share", "jupyter"),
                ["JUPYTER_RUNTIME_DIR"] = Path.Combine(folder, "runtime"),
                ["JUPYTER_PLATFORM_DIRS"] = "1",
                ["VIDEOLAB_MODE"] = "ci",
            },
            notebooks);
        Assert.True(result.ExitCode == 0, result.ToString());

        var executedPath = Path.Combine(folder, "01-data.ipynb");
        await Processes.AssertValidNotebook(executedPath);
        var executed = Notebook.Load(executedPath);
        Assert.DoesNotContain(executed.Cells.SelectMany(c => c.Outputs.OfType<JsonObject>()), o => (string?)o["output_type"] == "error");
        var html = string.Concat(executed.Cells.SelectMany(c => c.Outputs.OfType<JsonObject>()).Select(o => Notebook.Text(o["data"]?["text/html"])));
        Assert.Contains("class=\"vl-player\"", html);
        Assert.Contains("class=\"vl-grid", html);
        Assert.Contains("class=\"vl-chart", html);
        Assert.Contains("mode: ci", html);
    }
}
