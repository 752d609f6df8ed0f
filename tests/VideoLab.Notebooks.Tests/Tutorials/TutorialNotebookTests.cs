using System.Text.Json.Nodes;
using VideoLab.Notebooks.Format;

namespace VideoLab.Notebooks.Tests.Tutorials;

/// <summary>
/// Every tutorial notebook runs top to bottom in quick mode without a cell error, shows the charts, frame grids
/// and animations its text promises (by the CSS classes the plots library writes: <c>vl-chart</c> for Plotly
/// charts, <c>vl-grid</c> for frame grids, <c>vl-player</c> for animations, frames as PNG data URIs), and its
/// executed copy passes nbformat's validator. The committed notebooks have no outputs.
/// </summary>
[Collection(TutorialNotebooksCollection.Name)]
public sealed class TutorialNotebookTests(TutorialNotebooksFixture fixture)
{
    /// <summary>Per notebook: how many of each view its outputs must hold at least (charts, frame grids, animations, tables).</summary>
    public static TheoryData<string, int, int, int, int> Promises => new()
    {
        // name,           charts, grids, players, tables
        { "01-data",          2,     2,     3,      1 },  // a third grid (the fixed test set) only when mnist_test_seq.npy is present
        { "02-cnn",           5,     2,     0,      1 },  // heatmap, 2 live loss charts, MSE and SSIM per horizon
        { "03-rnn",           8,     2,     1,      1 },  // 4 live loss charts, 2 per-horizon, 2 rollout curves
        { "04-attention",     8,     2,     1,      2 },  // entropy bars, live loss, 2 per-horizon, attention maps and time bars, rollout
        { "05-gan",           3,     5,     5,      0 },  // gradient curves, live losses, dynamics
        { "06-vqvae",         6,     2,     4,      0 },  // live losses, codebook curves, usage, projection, prior loss
        { "07-gallery",       3,     1,     3,      2 },  // per-horizon MSE and SSIM, sharpness; animations per clip
    };

    [Theory]
    [MemberData(nameof(Promises))]
    public async Task Notebook_runs_in_quick_mode_and_shows_what_it_promises(string name, int charts, int grids, int players, int tables)
    {
        var run = fixture.Runs[name];
        Assert.True(run.Succeeded, $"{name} failed:\n{string.Join("\n", run.Failures)}");
        var executed = Notebook.Load(run.ExecutedPath);
        var html = executed.Cells.Where(c => c.IsCode).SelectMany(c => c.Outputs.OfType<JsonObject>())
                           .Select(o => Notebook.Text(o["data"]?["text/html"])).ToList();
        Assert.All(executed.Cells.Where(c => c.IsCode), c => Assert.DoesNotContain(c.Outputs.OfType<JsonObject>(), o => (string?)o["output_type"] == "error"));
        Assert.True(Count(html, "class=\"vl-chart") >= charts, $"{name}: expected at least {charts} charts, found {Count(html, "class=\"vl-chart")}");
        Assert.True(Count(html, "class=\"vl-grid") >= grids, $"{name}: expected at least {grids} frame grids, found {Count(html, "class=\"vl-grid")}");
        Assert.True(Count(html, "class=\"vl-player\"") >= players, $"{name}: expected at least {players} animations, found {Count(html, "class=\"vl-player\"")}");
        Assert.True(Count(html, "<table") >= tables, $"{name}: expected at least {tables} tables, found {Count(html, "<table")}");
        if (grids + players > 0) Assert.Contains(html, h => h.Contains("data:image/png;base64,", StringComparison.Ordinal));
        Assert.Equal(1, Count(html, Plots.PlotlyJs.ScriptMarker));  // plotly.js inlined exactly once per notebook, offline
        await Processes.AssertValidNotebook(run.ExecutedPath);
    }

    [Theory]
    [MemberData(nameof(Promises))]
    public async Task Committed_notebook_is_valid_polyglot_compatible_and_has_no_outputs(string name, int charts, int grids, int players, int tables)
    {
        _ = (charts, grids, players, tables);
        var path = Path.Combine(TestPaths.RepositoryRoot, "notebooks", name + ".ipynb");
        await Processes.AssertValidNotebook(path);
        var notebook = Notebook.Load(path);
        Assert.Equal(KernelInfo.Name, (string?)notebook.Metadata["kernelspec"]?["name"]);
        Assert.Equal("csharp", (string?)notebook.Metadata["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]);
        Assert.All(notebook.Cells.Where(c => c.IsCode), c =>
        {
            Assert.Empty(c.Outputs);
            Assert.Null(c.ExecutionCount);
            Assert.Equal("csharp", (string?)c.Metadata["dotnet_interactive"]?["language"]);
            Assert.Equal("csharp", (string?)c.Metadata["polyglot_notebook"]?["kernelName"]);
        });
        Assert.All(notebook.Cells, c => Assert.StartsWith(name + "-", c.Id));
        Assert.Contains("#r \"../src/VideoLab/bin/", notebook.Cells.First(c => c.IsCode).Source);
    }

    static int Count(IEnumerable<string> texts, string marker) =>
        texts.Sum(t => (t.Length - t.Replace(marker, "", StringComparison.Ordinal).Length) / marker.Length);
}
