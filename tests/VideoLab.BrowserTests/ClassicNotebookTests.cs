using Microsoft.Playwright;
namespace VideoLab.BrowserTests;

/// <summary>
/// VideoLab's kernel in a real front-end: Debian's classic Jupyter Notebook 6.4 (its pages load RequireJS),
/// driven by headless Chromium as a user would — open, Run All, save, reload, re-run a cell — checking each
/// time that every Plotly chart is drawn and that a live <c>display(…).Update</c> shows its last state.
/// Requests outside the local server are aborted.
/// </summary>
public sealed class ClassicNotebookTests(ChromiumFixture chromium, JupyterServer jupyter)
    : IClassFixture<ChromiumFixture>, IClassFixture<JupyterServer>
{
    [Fact]
    public async Task Run_all_draws_every_chart_live_after_save_and_reload_and_after_a_cell_is_rerun()
    {
        const string file = "charts.ipynb";
        var path = Path.Combine(jupyter.NotebookFolder, file);
        ChartNotebook.Create().Save(path);
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var errors = new List<string>();
        await context.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith(jupyter.BaseUrl, StringComparison.Ordinal)) await route.ContinueAsync();
            else await route.AbortAsync();
        });
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => { lock (errors) errors.Add(error); };

        await page.GotoAsync(jupyter.NotebookUrl(file));
        await WaitForKernel(page);
        Assert.True(await ChartNotebook.HasRequireJs(page), "the classic Notebook page should load RequireJS");
        await page.EvaluateAsync("() => Jupyter.notebook.execute_all_cells()");
        await WaitUntilCellsRan(page, minimumCount: 3);
        Assert.Equal(ChartNotebook.ChartNames, await ChartNotebook.DrawnChartNames(page));

        await Save(page);
        Assert.Equal([0, 0, 1], ChartNotebook.PlotlyCopiesPerCell(path));  // moved from the live chart's cell to the last chart cell
        await Reload(page);
        Assert.Equal(ChartNotebook.ChartNames, await ChartNotebook.DrawnChartNames(page));

        // After the reload the page no longer knows the display id of the copy of plotly.js it loaded (in the last
        // chart cell), so re-running the live chart's cell adds a second copy there ...
        await page.EvaluateAsync("() => Jupyter.notebook.get_cell(1).execute()");
        await WaitUntilCellsRan(page, minimumCount: 4);
        Assert.Equal(ChartNotebook.ChartNames, await ChartNotebook.DrawnChartNames(page));
        await Save(page);
        Assert.Equal([1, 0, 1], ChartNotebook.PlotlyCopiesPerCell(path));
        // ... and re-running the last chart cell clears the old copy and moves the new one there: one copy again.
        await page.EvaluateAsync("() => Jupyter.notebook.get_cell(3).execute()");
        await WaitUntilCellsRan(page, minimumCount: 5);
        // The prompt number comes with the shell reply, which may overtake the cell's last outputs on IOPub: wait for the charts before saving.
        Assert.Equal(ChartNotebook.ChartNames, await ChartNotebook.DrawnChartNames(page));
        await Save(page);
        Assert.Equal([0, 0, 1], ChartNotebook.PlotlyCopiesPerCell(path));
        await Reload(page);
        Assert.Equal(ChartNotebook.ChartNames, await ChartNotebook.DrawnChartNames(page));

        Directory.CreateDirectory(GalleryBrowserTests.ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(GalleryBrowserTests.ScreenshotDirectory, "classic-notebook.png"), FullPage = true });
        Assert.Empty(await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('.output_error')].map(e => e.innerText)"));
        Assert.Empty(errors);
        await context.CloseAsync();
    }

    async Task WaitForKernel(IPage page)
    {
        try
        {
            await page.WaitForFunctionAsync(
                "() => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded && Jupyter.notebook.kernel " +
                "&& Jupyter.notebook.kernel.info_reply && Jupyter.notebook.kernel.info_reply.protocol_version",
                null, new() { Timeout = 90_000 });
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The videolab kernel did not start in the classic Notebook.\n{jupyter.Log}");
        }
    }

    /// <summary>Waits until every code cell shows an execution count of at least … (Run All numbers them 1, 2, 3).</summary>
    async Task WaitUntilCellsRan(IPage page, int minimumCount)
    {
        try
        {
            await page.WaitForFunctionAsync(
                "min => { const cells = Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code'); " +
                "return cells.every(c => typeof c.input_prompt_number === 'number') && Math.max(...cells.map(c => c.input_prompt_number)) >= min; }",
                minimumCount, new() { Timeout = 120_000 });
        }
        catch (TimeoutException)
        {
            var prompts = await page.EvaluateAsync<string>("() => JSON.stringify(Jupyter.notebook.get_cells().map(c => c.input_prompt_number))");
            throw new TimeoutException($"The cells did not finish (prompts {prompts}).\n{jupyter.Log}");
        }
    }

    static Task Save(IPage page) => page.EvaluateAsync("async () => { await Jupyter.notebook.save_notebook(); return true; }");

    static async Task Reload(IPage page)
    {
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded", null, new() { Timeout = 60_000 });
    }
}
