using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VideoLab.Notebooks.Format;

namespace VideoLab.Notebooks.Tests.Tutorials;

/// <summary>
/// Every tutorial notebook runs top to bottom in ci mode without a cell error and shows what its text promises: at least
/// so many charts (<c>vl-chart</c>), frame grids (<c>vl-grid</c>), animations (<c>vl-player</c>) and tables, frames as PNG
/// data URIs, and by name each promised view (chart titles, table headers, the two baselines, the verdicts, the checks of
/// hand-built mechanisms against the library). Every "by hand vs library" check holds, every verdict and statistic is
/// recorded, and the executed copy passes nbformat's validator. The committed notebooks have no outputs.
/// </summary>
[Collection(TutorialNotebooksCollection.Name)]
public sealed partial class TutorialNotebookTests(TutorialNotebooksFixture fixture)
{
    /// <summary>Per notebook: how many of each view its outputs must hold at least (charts, frame grids, animations, tables).</summary>
    public static TheoryData<string, int, int, int, int> Promises => new()
    {
        // name,           charts, grids, players, tables
        { "01-data",          4,     2,     3,      2 },  // histogram, frame change, baselines' MSE and SSIM per horizon; a third grid only with mnist_test_seq.npy
        { "02-cnn",           6,     2,     1,      3 },  // heatmap, loop and SimVP loss, MSE and SSIM per horizon, classifier loss, 2 confusion matrices; metrics, verdict
        { "03-rnn",          10,     2,     1,      2 },  // gradient reach, 5 live losses, 2 per-horizon, 2 rollout curves
        { "04-attention",     8,     2,     1,      3 },  // entropy bars, mask and weights, live loss, 2 per-horizon, attention maps, rollout
        { "05-gan",           3,     5,     5,      1 },  // autograd gradients, live losses, dynamics; statistics table
        { "06-vqvae",         7,     3,     4,      2 },  // toy EMA scatter, live losses, codebook curves, usage, projection, prior loss; code maps grid
        { "07-gallery",       3,     1,     3,      3 },  // per-horizon MSE and SSIM, sharpness; animations per clip
    };

    /// <summary>Per notebook: texts that must appear in its outputs (views by their titles and headers, and check lines).</summary>
    static readonly Dictionary<string, string[]> Named = new()
    {
        ["01-data"] = ["all-black", "copy-last", "MSE per predicted frame", "SSIM per predicted frame"],
        ["02-cnn"] = ["loss at step 0: untrained model", "3D-conv predictor: step", "all black (test clips)", "by hand − LargeKernelAttention",
                      "23×23 window", "MSE below the best baseline", "per-frame CNN: accuracy", "3D CNN: accuracy", "true class"],
        ["03-rnn"] = ["How far back the gradient reaches", "LSTM, forget bias + 3", "by hand vs ConvLstmCell", "by hand vs ConvLstm.Predict with TeacherForcing",
                      "encoder → GRU → decoder", "reference 'framegru'", "MSE below the best baseline", "all-black"],
        ["04-attention"] = ["attention(shuffled tokens)", "Causal mask", "Weights of a causal attention", "largest weight above the diagonal: 0",
                            "MSE below the best baseline", "all-black"],
        ["05-gan"] = ["(autograd)", "max |autograd − (1 − D)|", "d_real", "SSD to set A", "real clips, set B", "uniform noise",
                      "reference MoCoGAN"],
        ["06-vqvae"] = ["EMA codebook on 2-D data", "largest |codebook difference|", "PSNR (dB)", "code-index maps", "SSD to set A", "prior samples",
                        "reference 'vqvae'", "reference 'vqvae-prior'"],
        ["07-gallery"] = ["MSE below the best baseline", "all-black", "copy-last", "Sharpness ratio", "gallery.html", "framelstm (reference)"],
    };

    /// <summary>The verdicts and statistics each notebook records for the benchmark.</summary>
    static readonly Dictionary<string, string[]> Recorded = new()
    {
        ["02-cnn"] = ["02-cnn", "02-classification"],
        ["03-rnn"] = ["03-rnn"],
        ["04-attention"] = ["04-attention"],
        ["05-gan"] = ["05-gan-statistics"],
        ["06-vqvae"] = ["06-vqvae-psnr", "06-vqvae-codebook", "06-prior-statistics"],
        ["07-gallery"] = ["07-gallery"],
    };

    [Theory]
    [MemberData(nameof(Promises))]
    public async Task Notebook_runs_in_ci_mode_and_shows_what_it_promises(string name, int charts, int grids, int players, int tables)
    {
        var run = fixture.Runs[name];
        Assert.True(run.Succeeded, $"{name} failed:\n{string.Join("\n", run.Failures)}");
        var executed = Notebook.Load(run.ExecutedPath);
        var outputs = executed.Cells.Where(c => c.IsCode).SelectMany(c => c.Outputs.OfType<JsonObject>()).ToList();
        Assert.DoesNotContain(outputs, o => (string?)o["output_type"] == "error");
        var html = outputs.Select(o => Notebook.Text(o["data"]?["text/html"])).ToList();
        Assert.True(Count(html, "class=\"vl-chart") >= charts, $"{name}: expected at least {charts} charts, found {Count(html, "class=\"vl-chart")}");
        Assert.True(Count(html, "class=\"vl-grid") >= grids, $"{name}: expected at least {grids} frame grids, found {Count(html, "class=\"vl-grid")}");
        Assert.True(Count(html, "class=\"vl-player\"") >= players, $"{name}: expected at least {players} animations, found {Count(html, "class=\"vl-player\"")}");
        Assert.True(Count(html, "<table") >= tables, $"{name}: expected at least {tables} tables, found {Count(html, "<table")}");
        if (grids + players > 0) Assert.Contains(html, h => h.Contains("data:image/png;base64,", StringComparison.Ordinal));
        Assert.Equal(1, Count(html, Plots.PlotlyJs.ScriptMarker));  // plotly.js inlined exactly once per notebook, offline
        var text = AllText(outputs);
        var missing = Named[name].Where(n => !text.Contains(n, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"{name}: outputs lack {string.Join(", ", missing.Select(m => $"\"{m}\""))}");
        await Processes.AssertValidNotebook(run.ExecutedPath);
    }

    [Theory]
    [MemberData(nameof(Promises))]
    public void Every_mechanism_built_by_hand_agrees_with_the_library(string name, int charts, int grids, int players, int tables)
    {
        _ = (charts, grids, players, tables);
        var text = AllText(Notebook.Load(fixture.Runs[name].ExecutedPath).Cells.Where(c => c.IsCode).SelectMany(c => c.Outputs.OfType<JsonObject>()));
        // Lines such as "max |by hand − LargeKernelAttention| = 3.6E-007" or "largest |codebook difference| over 40 steps: 1.2E-007".
        var differences = DifferencePattern().Matches(text).Select(m => (m.Value, double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture))).ToList();
        int expected = name switch { "02-cnn" => 1, "03-rnn" => 4, "04-attention" => 3, "05-gan" => 3, "06-vqvae" => 1, _ => 0 };
        Assert.True(differences.Count >= expected, $"{name}: expected at least {expected} checks against the library, found {differences.Count}");
        Assert.All(differences, d => Assert.True(d.Item2 < 1e-4, $"{name}: {d.Value}"));
    }

    [Fact]
    public void Every_notebook_records_its_verdicts_and_statistics()
    {
        Assert.True(File.Exists(fixture.ResultsFile), $"no {fixture.ResultsFile}");
        var records = File.ReadAllLines(fixture.ResultsFile).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.All(records, r => Assert.Equal("ci", (string?)r["mode"]));
        var names = records.Select(r => (string)r["name"]!).ToHashSet();
        var missing = Recorded.Values.SelectMany(n => n).Where(n => !names.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"not recorded: {string.Join(", ", missing)}");
        var verdict = records.Last(r => (string?)r["name"] == "02-cnn")["values"]!;
        Assert.Equal(2, (int)verdict["models"]!);
        Assert.NotNull(verdict["scores"]!["all-black"]?["mse"]);
        Assert.NotNull(verdict["scores"]!["copy-last"]?["ssim"]);
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
        var first = notebook.Cells.First(c => c.IsCode).Source;
        Assert.Contains("#r \"../src/VideoLab/bin/", first);
        Assert.Contains("Lab.Mode = Lab.DefaultMode;", first);                      // the mode, shown and changed in one line
        Assert.DoesNotContain(notebook.Cells, c => c.Source.Contains("Lab.Quick", StringComparison.Ordinal) || c.Source.Contains('⟪'));
    }

    static string AllText(IEnumerable<JsonObject> outputs) => string.Concat(outputs.Select(o =>
        Notebook.Text(o["text"]) + Notebook.Text(o["data"]?["text/html"]) + Notebook.Text(o["data"]?["text/plain"])));

    static int Count(IEnumerable<string> texts, string marker) =>
        texts.Sum(t => (t.Length - t.Replace(marker, "", StringComparison.Ordinal).Length) / marker.Length);

    [GeneratedRegex(@"(?:max \|[^|\n]+\|(?: = |: )|largest \|[^|\n]+\|[^:\n]*: )(?<value>[0-9.]+E[+-]?[0-9]+)")]
    private static partial Regex DifferencePattern();
}
