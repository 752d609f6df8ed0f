using System.Text.Json.Nodes;
using VideoLab.Notebooks.Format;

namespace VideoLab.Notebooks.Tests.Tutorials;

/// <summary>
/// notebooks/08-pytorch.ipynb runs with <c>videolab notebooks run --quick</c> (its own process: quick mode is an environment
/// variable the tutorial fixture sets and restores in this one) and shows what its text says: the model
/// imported from its OpenSTL-named export predicts exactly what the original does, PyTorch reads the export, and the
/// safetensors round trip is bit-identical. The committed notebook is valid and has no outputs.
/// </summary>
public sealed class PyTorchNotebookTests
{
    const string Name = "08-pytorch";
    static string Path => System.IO.Path.Combine(TestPaths.RepositoryRoot, "notebooks", Name + ".ipynb");

    [Fact]
    public async Task Runs_in_quick_mode_and_shows_exact_agreement()
    {
        var output = TestPaths.TempFolder("pytorch");
        var run = await Processes.Run("dotnet", [TestPaths.CliDll, "notebooks", "run", Path, "--quick", "--out", output], TimeSpan.FromMinutes(10));
        Assert.True(run.ExitCode == 0, $"{Name} failed: {run}");
        var executed = System.IO.Path.Combine(output, Name + ".ipynb");

        var outputs = Notebook.Load(executed).Cells.Where(c => c.IsCode).SelectMany(c => c.Outputs.OfType<JsonObject>()).ToList();
        var text = string.Join("\n", outputs.Select(o => Notebook.Text(o["text"]) + Notebook.Text(o["data"]?["text/plain"]) + Notebook.Text(o["data"]?["text/html"])));
        Assert.DoesNotContain(outputs, o => (string?)o["output_type"] == "error");
        Assert.Contains("largest difference between the original and the imported model: 0\n", text);
        Assert.Contains("every tensor bit-identical: True", text);
        Assert.Contains("hid.enc.0.block.attn.spatial_gating_unit.conv1.weight [160, 80, 1, 1]", text);  // OpenSTL's names were written…
        Assert.Matches(@"torch \d+\.\d+\S* read 78 tensors", text);                                          // …and Debian's PyTorch reads them
        Assert.Contains("class=\"vl-grid", text);
        await Processes.AssertValidNotebook(executed);
    }

    [Fact]
    public async Task Committed_notebook_is_valid_and_has_no_outputs()
    {
        await Processes.AssertValidNotebook(Path);
        var notebook = Notebook.Load(Path);
        Assert.Equal(KernelInfo.Name, (string?)notebook.Metadata["kernelspec"]?["name"]);
        Assert.All(notebook.Cells.Where(c => c.IsCode), c =>
        {
            Assert.Empty(c.Outputs);
            Assert.Null(c.ExecutionCount);
            Assert.Equal("csharp", (string?)c.Metadata["polyglot_notebook"]?["kernelName"]);
        });
        Assert.All(notebook.Cells, c => Assert.StartsWith(Name + "-", c.Id));
    }
}
