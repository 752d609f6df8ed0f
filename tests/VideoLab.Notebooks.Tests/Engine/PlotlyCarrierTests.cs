using VideoLab.Notebooks.Display;
using VideoLab.Notebooks.Engine;
using VideoLab.Plots;

namespace VideoLab.Notebooks.Tests.Engine;

/// <summary>
/// One copy of plotly.js per notebook, in an output of its own, moved to the latest cell run that shows a chart
/// and sent again when the cell holding it is re-run (the front-end clears it then); never inside a chart.
/// </summary>
[Collection("engine")]
public sealed class PlotlyCarrierTests(EngineFixture fixture)
{
    const string Chart = "Plotly.NET.CSharp.Chart.Line<int, int, string>(new[] { 1, 2 }, new[] { 3, 4 })";

    static bool CarriesPlotly(RecordingOutput.Item item) => item.Bundle?[MimeBundle.Html]?.Contains(PlotlyJs.ScriptMarker) == true;

    async Task<RecordingOutput> Run(string code, CellRequest request)
    {
        var output = new RecordingOutput();
        var result = await fixture.Engine.ExecuteAsync(code, output, request: request);
        Assert.True(result.Succeeded, result.Error?.ToString());
        return output;
    }

    [Fact]
    public async Task The_copy_moves_to_the_latest_chart_cell_and_the_previous_one_is_emptied()
    {
        await fixture.Run($"#r \"{TestPaths.LibraryDll}\"");
        var page = new CellRequest { ClientSession = Guid.NewGuid().ToString("N") };

        // A live chart: the first display is text, then updates; the copy goes out before the first chart.
        var first = await Run($"var live = display(\"training\");\nfor (int i = 0; i < 3; i++) live.Update({Chart});",
                              page with { CellId = "live" });
        Assert.Equal(["display", "display", "update", "update", "update"], first.Items.Select(i => i.Kind));
        Assert.True(CarriesPlotly(first.Items[1]));
        Assert.DoesNotContain(first.Items.Where(i => i.Kind == "update"), CarriesPlotly);
        var copy = first.Items[1].Key;

        // Several charts in one run: one copy; the previous copy is emptied through its display id.
        var second = await Run($"display({Chart});\n{Chart}", page with { CellId = "two" });
        var sent = second.Items.Where(CarriesPlotly).ToList();
        Assert.Single(sent);
        Assert.Contains(second.Items, i => i.Kind == "update" && i.Key == copy && i.Bundle![MimeBundle.Html] is null && i.Text == "");
        Assert.Equal(1, second.Items.Count(i => i.Kind == "display" && !CarriesPlotly(i) && i.Bundle![MimeBundle.Html]?.Contains("class=\"vl-chart\"") == true));

        // A cell without charts sends nothing.
        Assert.DoesNotContain((await Run("var nothing = 1;", page with { CellId = "none" })).Items, CarriesPlotly);

        // Another page (a reload) cannot reach the old copy: it gets its own, and the old one is left alone.
        var reloaded = await Run(Chart, new CellRequest { CellId = "live", ClientSession = "another page" });
        Assert.Contains(reloaded.Items, CarriesPlotly);
        Assert.DoesNotContain(reloaded.Items, i => i.Kind == "update");
    }

    [Fact]
    public async Task Rerunning_the_cell_that_holds_the_copy_sends_it_again_first_even_without_charts()
    {
        await fixture.Run($"#r \"{TestPaths.LibraryDll}\"");
        var page = new CellRequest { ClientSession = Guid.NewGuid().ToString("N") };
        await Run(Chart, page with { CellId = "holder" });

        // The front-end clears the cell's outputs when it is re-run, copy included: it comes back as the first output.
        var rerun = await Run("Console.WriteLine(\"no chart any more\");", page with { CellId = "holder" });
        Assert.True(CarriesPlotly(rerun.Items[0]));

        // Without cell ids (the classic Notebook, nbclient), the same code means the same cell.
        var code = $"display({Chart});";
        await Run(code, page);
        Assert.True(CarriesPlotly((await Run(code, page)).Items[0]));
        Assert.DoesNotContain((await Run("var other = 2;", page)).Items, CarriesPlotly);
    }
}
