using System.Text.Json.Nodes;
using VideoLab.Display;
using VideoLab.Plots;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tests.Plots;

public class ChartTests
{
    static int Len(JsonNode trace, string axis = "x") => trace[axis]!.AsArray().Count;

    [Fact]
    public void Loss_curves_draw_raw_smoothed_and_validation_traces_with_epoch_markers()
    {
        var records = TestRuns.Records(steps: 300, epochs: 3);
        var chart = LossCurves.Create(records, new LossCurveOptions { Smoothing = 0.6, LogY = true });
        var traces = chart.Traces();
        Assert.Equal(3, traces.Count);  // loss: raw (faint) + smoothed + validation; lr is not a loss
        Assert.All(traces, t => Assert.Equal("scatter", (string?)t!["type"]));
        Assert.Equal([300, 300, 6], traces.Select(t => Len(t!)));
        Assert.False((bool)traces[0]!["showlegend"]!);
        Assert.Equal("lines+markers", (string?)traces[2]!["mode"]);
        var layout = chart.Layout();
        Assert.Equal("log", (string?)layout["yaxis"]!["type"]);
        Assert.Equal([100.0, 200.0], layout["shapes"]!.AsArray().Select(s => (double)s!["x0"]!));  // epochs 1 and 2 start
    }

    [Fact]
    public void Without_smoothing_each_series_is_one_trace_and_keys_can_be_chosen()
    {
        var records = TestRuns.Records(steps: 100, epochs: 1, gan: true);
        var chart = LossCurves.Create(records, new LossCurveOptions { Smoothing = 0, Keys = ["d_loss", "g_loss"], EpochMarkers = false });
        var traces = chart.Traces();
        Assert.Equal(["d_loss (train)", "g_loss (train)"], traces.Select(t => (string?)t!["name"]));
        Assert.Null(chart.Layout()["shapes"]);
        var e = Assert.Throws<ArgumentException>(() => LossCurves.Create(records, new LossCurveOptions { Keys = ["nope"] }));
        Assert.Contains("nope", e.Message);
    }

    [Fact]
    public void A_100k_step_run_is_downsampled_to_2000_points_per_trace_keeping_spikes()
    {
        var records = new List<MetricRecord>();
        for (int s = 0; s < 100_000; s++)
            records.Add(new MetricRecord(s, s / 10_000, "train", s, new Dictionary<string, double> { ["loss"] = s == 54_321 ? 50 : 1.0 / (1 + s) }));
        var traces = LossCurves.Create(records).Traces();
        Assert.Equal(2, traces.Count);
        Assert.All(traces, t => Assert.InRange(Len(t!), 1000, 2000));
        Assert.Contains(50.0, traces[0]!["y"]!.AsArray().Select(v => (double)v!));  // the spike survives min/max bucketing
        Assert.Equal(0.0, (double)traces[0]!["x"]![0]!);
    }

    [Fact]
    public void Non_finite_values_are_left_out_of_a_series()
    {
        var records = new[] { 1.0, double.NaN, 3.0, double.PositiveInfinity }
            .Select((v, i) => new MetricRecord(i, 0, "train", i, new Dictionary<string, double> { ["loss"] = v })).ToList();
        var series = MetricSeries.Of(records, "loss", "train");
        Assert.Equal([0.0, 2.0], series.X);
        Assert.Equal([1.0, 3.0], series.Y);
    }

    [Fact]
    public void Ema_is_bias_corrected_and_skips_non_finite_values()
    {
        Assert.Equal([3.0, 3.0, 3.0], SeriesTools.Ema([3, 3, 3], 0.9).Select(v => Math.Round(v, 12)));
        var e = SeriesTools.Ema([1, 0, double.NaN], 0.5);
        Assert.Equal(1.0, e[0], 12);
        Assert.Equal(1.0 / 3, e[1], 12);  // (0.5·0.5·1 + 0.5·0) / (1 − 0.25)
        Assert.Equal(e[1], e[2]);
        Assert.Equal([1.0, 2.0], SeriesTools.Ema([1, 2], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SeriesTools.Ema([1], 1.0));
    }

    [Fact]
    public void Horizon_metrics_parse_from_records_and_chart_one_trace_per_curve()
    {
        var record = new MetricRecord(10, 0, "val", 1, new Dictionary<string, double> { ["mse@2"] = 0.2, ["mse@1"] = 0.1, ["ssim@1"] = 0.9, ["loss"] = 1 });
        var parsed = HorizonMetrics.Parse(record);
        Assert.Equal([0.1, 0.2], parsed["mse"]);
        Assert.Equal([0.9], parsed["ssim"]);
        Assert.Equal(2, parsed.Count);

        var chart = HorizonChart.Create("mse", new Dictionary<string, double[]> { ["a"] = [1, 2, 3], ["b"] = [2, 3, 4] });
        var traces = chart.Traces();
        Assert.Equal(2, traces.Count);
        Assert.Equal([1.0, 2.0, 3.0], traces[0]!["x"]!.AsArray().Select(v => (double)v!));
        Assert.Equal("lines+markers", (string?)traces[1]!["mode"]);
    }

    [Fact]
    public void Gan_dynamics_show_losses_and_discriminator_outputs_in_two_charts()
    {
        var gan = GanDynamics.Create(TestRuns.Records(steps: 120, epochs: 1, gan: true), smoothing: 0.5);
        Assert.Equal(4, gan.Losses.Traces().Count);  // raw + smoothed for D and G
        var d = gan.Discriminator.Traces();
        Assert.Equal(["d_real raw", "d_real", "d_fake raw", "d_fake"], d.Select(t => (string?)t!["name"]));
        Assert.All(d, t => Assert.Equal(120, Len(t!)));
        Assert.Equal([0.0, 1.0], gan.Discriminator.Layout()["yaxis"]!["range"]!.AsArray().Select(v => (double)v!));
        var e = Assert.Throws<ArgumentException>(() => GanDynamics.Create(TestRuns.Records(20, 1)));
        Assert.Contains("d_loss", e.Message);
    }

    [Fact]
    public void Codebook_usage_counts_perplexity_and_histogram()
    {
        using var codes = tensor(new long[] { 0, 0, 1, 3, 3, 3 }).reshape(2, 3);
        var counts = CodebookCharts.Counts(codes, 5);
        Assert.Equal([2L, 1, 0, 3, 0], counts);
        Assert.Equal(4.0, CodebookCharts.Perplexity([5, 5, 5, 5]), 9);
        Assert.Equal(1.0, CodebookCharts.Perplexity([0, 7, 0]), 9);
        Assert.Throws<ArgumentException>(() => CodebookCharts.Counts(codes, 3));

        var usage = CodebookCharts.Usage(counts).Traces();
        Assert.Single(usage);
        Assert.Equal("bar", (string?)usage[0]!["type"]);
        Assert.Equal(5, Len(usage[0]!, "y"));
    }

    [Fact]
    public void Codebook_projection_finds_the_principal_axis_and_separates_dead_codes()
    {
        // Codes on a line along (1, 2, 2)/3 plus a tiny orthogonal wobble: PC1 carries almost all variance.
        var rows = Enumerable.Range(0, 6).Select(i => new[] { i * 1.0 / 3 + 0.001 * (i % 2), i * 2.0 / 3, i * 2.0 / 3 - 0.001 * (i % 2) }).ToArray();
        using var codebook = tensor(rows.SelectMany(r => r).Select(v => (float)v).ToArray(), [6, 3]);
        var (xy, explained) = CodebookCharts.Pca2(codebook);
        Assert.True(explained[0] > 0.999, $"PC1 explains {explained[0]}");
        for (int i = 1; i < 6; i++) Assert.Equal(1.0, Math.Abs(xy[i, 0] - xy[i - 1, 0]), 2);  // unit steps along the line

        var traces = CodebookCharts.Projection(codebook, [5, 0, 1, 1, 0, 9]).Traces();
        Assert.Equal(2, traces.Count);
        Assert.Equal(4, Len(traces[0]!));  // used codes, sized by usage
        Assert.Equal(4, traces[0]!["marker"]!["size"]!.AsArray().Count);
        Assert.Equal(2, Len(traces[1]!));  // dead codes
    }

    [Fact]
    public void Attention_map_overlays_a_heatmap_on_the_frame_image()
    {
        using var frame = rand(3, 32, 32);
        using var attention = softmax(rand(16), 0).reshape(4, 4);
        var chart = AttentionMap.Create(frame, attention);
        var traces = chart.Traces();
        Assert.Equal(["image", "heatmap"], traces.Select(t => (string?)t!["type"]));
        Assert.StartsWith("data:image/png;base64,", (string?)traces[0]!["source"]);
        Assert.Equal(4, traces[1]!["z"]!.AsArray().Count);
        Assert.Equal([3.5, 11.5, 19.5, 27.5], traces[1]!["x"]!.AsArray().Select(v => (double)v!));
        Assert.Throws<ArgumentException>(() => AttentionMap.Create(frame, attention.flatten()));
    }

    [Fact]
    public void A_page_of_several_charts_inlines_plotly_once_and_links_no_cdn()
    {
        var records = TestRuns.Records(steps: 60, epochs: 2, gan: true);
        var page = new HtmlPage("charts")
            .Add(LossCurves.Create(records))
            .Add(GanDynamics.Create(records))
            .Add(HorizonChart.Create("mse", new Dictionary<string, double[]> { ["a"] = [1, 2] }));
        var html = page.Render();
        Assert.Equal(4, Count(html, "class=\"vl-chart\""));
        Assert.Equal(1, Count(html, PlotlyJs.ScriptMarker));
        Assert.Equal(1, Count(html, PlotlyJs.Code[..300]));  // the library itself, once
        Assert.DoesNotMatch(@"<script[^>]*\bsrc=", html);

        // A notebook session: no output carries plotly.js itself (the engine keeps one copy in an output of its own),
        // and each is asked for once until the engine takes it.
        var session = HtmlAssets.ForNotebook();
        Assert.DoesNotContain(PlotlyJs.ScriptMarker, LossCurves.Create(records).ToHtml(session));
        Assert.DoesNotContain(PlotlyJs.ScriptMarker, LossCurves.Create(records).ToHtml(session));
        var pending = Assert.Single(session.TakePending());
        Assert.Equal(PlotlyJs.AssetKey, pending.Key);
        Assert.Contains(PlotlyJs.ScriptMarker, pending.Html());
        Assert.Empty(session.TakePending());
    }

    [Fact]
    public void A_chart_draws_at_once_when_plotly_is_loaded_and_waits_for_it_otherwise()
    {
        var html = PlotlyJs.ChartHtml(LossCurves.Create(TestRuns.Records(steps: 10, epochs: 1)).Chart);
        Assert.Equal(1, Count(html, "Plotly.newPlot("));
        Assert.Contains("if (window.Plotly) { run(); return; }", html);
        Assert.Contains("window.videolabPlotlyQueue", html);
        Assert.Contains("class=\"vl-chart-note\" hidden", html);
        Assert.DoesNotMatch(@"renderPlotly_[0-9a-f]+\(\);", html);  // Plotly.NET's own immediate call is gone

        // plotly.js runs with the page's AMD/CommonJS globals hidden, then draws the charts that queued.
        var script = PlotlyJs.Script;
        Assert.Contains("(function (define, module, exports) {", script);
        Assert.Contains("window.videolabPlotlyQueue || []).splice(0).forEach", script);
        Assert.DoesNotContain("</script", script[..^10], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_chart_describes_itself_in_one_line_of_text()
    {
        var chart = new ChartView(ChartLayout.Style(Plotly.NET.CSharp.Chart.Line<int, double, string>(new[] { 1, 2, 3 }, new[] { 0.5, 0.25, 0.125 }, Name: "train"),
                                                    "loss", "step", "loss"));
        Assert.Equal("Chart \"loss\": scatter \"train\" (3 points)", chart.ToString());
    }

    static int Count(string text, string part)
    {
        int n = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
