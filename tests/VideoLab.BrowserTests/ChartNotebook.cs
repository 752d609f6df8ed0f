using Microsoft.Playwright;
using VideoLab.Notebooks.Format;
using VideoLab.Notebooks.Tests;

namespace VideoLab.BrowserTests;

/// <summary>
/// A small notebook whose charts exercise every way plotly.js can go missing: the first chart is a live
/// <c>display(…).Update(chart)</c> (so no output that ever held it survives), a cell without charts follows, and a
/// later cell shows a library view and a Plotly.NET chart as its result. Plus the checks a reader's eyes make.
/// </summary>
static class ChartNotebook
{
    /// <summary>The trace names of the three charts once every cell has run; the live one ends at its last update.</summary>
    public static readonly string[] ChartNames = ["columns", "points", "step 4"];

    public static Notebook Create() => Notebook.Create([
        ("markdown", "# Charts in every front-end"),
        ("code", $$"""
                  #r "{{TestPaths.LibraryDll}}"
                  using Plotly.NET.CSharp;
                  using VideoLab.Plots;
                  var live = display("training…");
                  for (int step = 1; step <= 4; step++)
                      live.Update(Chart.Line<int, int, string>(Enumerable.Range(0, step + 1), Enumerable.Range(0, step + 1).Select(i => i * i), Name: $"step {step}"));
                  """),
        ("code", "Console.WriteLine(\"no chart here\");"),
        ("code", """
                 display(new ChartView(Chart.Column<int, string, string>(new[] { 3, 1, 2 }, new[] { "a", "b", "c" }, Name: "columns")));
                 Chart.Point<double, double, string>(new[] { 0.5, 1.5 }, new[] { 2.0, 1.0 }, Name: "points")
                 """),
    ]);

    /// <summary>How many outputs of each code cell of a saved notebook carry plotly.js (the design keeps one in the notebook).</summary>
    public static int[] PlotlyCopiesPerCell(string notebookPath) =>
        [.. Notebook.Load(notebookPath).Cells.Where(c => c.IsCode).Select(c => c.Outputs.OfType<System.Text.Json.Nodes.JsonObject>()
                    .Count(o => Notebook.Text(o["data"]?["text/html"]).Contains(Plots.PlotlyJs.ScriptMarker, StringComparison.Ordinal)))];

    /// <summary>Waits until every chart of the page is drawn (an SVG in each plot), then returns their trace names, sorted.</summary>
    public static async Task<string[]> DrawnChartNames(IPage page, int expected = 3)
    {
        try
        {
            await page.WaitForFunctionAsync(
                "n => { const plots = [...document.querySelectorAll('.vl-chart .js-plotly-plot')]; " +
                "return plots.length === n && plots.every(p => p.querySelector('svg.main-svg')); }",
                expected, new() { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            var state = await page.EvaluateAsync<string>(
                "() => `charts: ${document.querySelectorAll('.vl-chart').length}, drawn: ${document.querySelectorAll('.vl-chart .js-plotly-plot svg.main-svg').length}, " +
                "Plotly: ${typeof window.Plotly}, notes shown: ${document.querySelectorAll('.vl-chart-note:not([hidden])').length}`");
            throw new TimeoutException($"Not every chart was drawn ({state}).");
        }
        return await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('.vl-chart .js-plotly-plot')].map(p => p.data[0].name).sort()");
    }

    /// <summary>Whether the page has an AMD loader (RequireJS): where plotly.js would register a module instead of <c>window.Plotly</c>.</summary>
    public static Task<bool> HasRequireJs(IPage page) =>
        page.EvaluateAsync<bool>("() => typeof window.define === 'function' && !!window.define.amd");
}
