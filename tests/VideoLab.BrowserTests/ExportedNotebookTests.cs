using Microsoft.Playwright;
using VideoLab.Notebooks.Runner;
using VideoLab.Notebooks.Tests;

namespace VideoLab.BrowserTests;

/// <summary>
/// A notebook executed by the headless runner, then read as HTML three ways: the runner's own export, and
/// Debian's <c>jupyter nbconvert --to html</c> with its page template (require.js loaded, here from Debian's
/// <c>libjs-requirejs</c>, so plotly.js meets an AMD loader) and with the bare template (no loader at all).
/// Every chart must be drawn in each, opened from disk with the network off.
/// </summary>
public sealed class ExportedNotebookTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    const string RequireJs = "/usr/share/javascript/requirejs/require.min.js";  // Debian package `libjs-requirejs`

    [Fact]
    public async Task The_runners_html_and_nbconvert_html_with_and_without_requirejs_draw_every_chart()
    {
        Assert.True(File.Exists(RequireJs), $"{RequireJs} is missing: install the Debian package `libjs-requirejs` (bash tests/run does).");
        var folder = TestPaths.TempFolder("exported");
        var source = Path.Combine(folder, "charts.ipynb");
        ChartNotebook.Create().Save(source);
        var run = await NotebookRunner.RunAsync(source, new RunOptions { OutputDirectory = Path.Combine(folder, "out"), Html = true,
                                                                         CacheDirectory = Path.Combine(folder, "cache") }, TextWriter.Null);
        Assert.True(run.Succeeded, string.Join("\n", run.Failures));
        Assert.Equal([0, 0, 1], ChartNotebook.PlotlyCopiesPerCell(run.ExecutedPath));

        var withRequire = await Nbconvert(run.ExecutedPath, "with-require", [$"--HTMLExporter.require_js_url=file://{RequireJs}"]);
        var bare = await Nbconvert(run.ExecutedPath, "bare", ["--template", "basic"]);

        foreach (var (html, requireJs) in new[] { (run.HtmlPath!, false), (withRequire, true), (bare, false) })
        {
            var (page, errors) = await Open(html);
            Assert.Equal(requireJs, await ChartNotebook.HasRequireJs(page));
            Assert.Equal(ChartNotebook.ChartNames, await ChartNotebook.DrawnChartNames(page));
            Assert.Empty(errors);
            await page.Context.CloseAsync();
        }
    }

    static async Task<string> Nbconvert(string notebook, string name, string[] options)
    {
        var folder = Path.GetDirectoryName(notebook)!;
        var result = await Processes.Run("/usr/bin/jupyter", ["nbconvert", "--to", "html", .. options, "--output", name, notebook],
            TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["JUPYTER_DATA_DIR"] = Path.Combine(folder, "jupyter-data") }, folder);
        Assert.True(result.ExitCode == 0, result.ToString());
        return Path.Combine(folder, name + ".html");
    }

    /// <summary>The page opened from disk, every non-file request aborted; its uncaught script errors.</summary>
    async Task<(IPage Page, List<string> Errors)> Open(string htmlPath)
    {
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await context.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith("file:", StringComparison.Ordinal)) await route.ContinueAsync();
            else await route.AbortAsync();
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => { lock (errors) errors.Add(error); };
        await page.GotoAsync(new Uri(htmlPath).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        return (page, errors);
    }
}
