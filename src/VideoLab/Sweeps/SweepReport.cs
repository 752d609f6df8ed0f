using System.Globalization;
using System.Text.Json.Nodes;
using CsvHelper;
using Plotly.NET;
using VideoLab.Display;
using VideoLab.Plots;
using VideoLab.Training;
using Chart = Plotly.NET.CSharp.Chart;

namespace VideoLab.Sweeps;

/// <summary>
/// The page and the CSV of a sweep (<c>videolab sweep report DIR</c>): a sortable table of every configuration's
/// mean ± standard deviation over seeds, a sortable table of every run's final and best metrics, loss curves of all
/// runs overlaid (one colour per configuration), and the best run's samples — built from the gallery views
/// (<see cref="SortableTable"/>, <see cref="ChartView"/>, <see cref="ClipPlayer"/>, <see cref="FrameGrid"/>), offline.
/// </summary>
public static class SweepReport
{
    public const string PageFile = "report.html", CsvFile = "results.csv";

    /// <summary>Writes <c>report.html</c> and <c>results.csv</c> into the sweep directory (or <paramref name="pagePath"/>); returns both paths.</summary>
    public static (string Page, string Csv) Write(SweepDirectory sweep, string? pagePath = null)
    {
        var results = SweepResults.Load(sweep);
        var page = pagePath ?? Path.Combine(sweep.Root, PageFile);
        var csv = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(page))!, CsvFile);
        SweepDirectory.WriteText(csv, Csv(results));
        SweepDirectory.WriteText(page, Page(results, page).Render());
        return (Path.GetFullPath(page), csv);
    }

    /// <summary>One row per run: name, configuration, axes, seed, state, steps, then every result column (full precision; empty when missing).</summary>
    public static string Csv(SweepResults results)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, options: null, leaveOpen: true))
        {
            var axes = results.Plan.AxisKeys;
            csv.WriteRecord(["run", "configuration", .. axes, "seed", "state", "steps", .. results.Columns]);
            foreach (var r in results.Runs)
                csv.WriteRecord(
                [
                    r.Run.Name, r.Run.Configuration, .. axes.Select(a => r.Run.Axes.GetValueOrDefault(a, "")),
                    r.Run.Seed?.ToString(CultureInfo.InvariantCulture) ?? "", r.State, r.Steps?.ToString(CultureInfo.InvariantCulture) ?? "",
                    .. results.Columns.Select(c => r.Values.TryGetValue(c, out var v) && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : ""),
                ]);
        }
        return text.ToString();
    }

    /// <summary>The page; <paramref name="pagePath"/> is where it will be written (links are relative to it).</summary>
    public static HtmlPage Page(SweepResults results, string pagePath)
    {
        var plan = results.Plan;
        var page = new HtmlPage($"Sweep {plan.Name}");
        var states = results.Runs.GroupBy(r => r.State).Select(g => $"{g.Count()} {g.Key}");
        page.Add(HtmlBlocks.Paragraph($"{plan.Runs.Count} runs ({string.Join(", ", states)}) · axes: {(plan.AxisKeys.Count == 0 ? "none" : string.Join(" × ", plan.AxisKeys))}" +
                                      $" · seeds: {string.Join(", ", plan.Runs.Select(r => r.Seed).Distinct().Select(s => s?.ToString(CultureInfo.InvariantCulture) ?? "train's default"))}" +
                                      (plan.Quick ? " · quick mode" : "")));
        page.Add(HtmlBlocks.Links([("results.csv (one row per run, for pandas)", RunGallery.RelativeHref(pagePath, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pagePath))!, CsvFile)))]));

        page.Heading("Configurations: mean ± standard deviation over seeds").Add(ConfigurationTable(results));
        page.Heading("Runs").Add(RunTable(results, pagePath));
        var charts = LossCharts(results).ToList();
        if (charts.Count > 0) page.Heading("Loss curves (one colour per configuration)").Add(HtmlBlocks.Row(charts));
        if (results.BestRun() is { } best) page.Add(BestRun(best, pagePath));
        return page;
    }

    static SortableTable ConfigurationTable(SweepResults results)
    {
        var axes = results.Plan.AxisKeys;
        var rows = results.Configurations.Select(c => (IReadOnlyList<TableCell>)
        [
            new TableCell(c.Configuration),
            .. axes.Select(a => Cell(c.Axes.GetValueOrDefault(a, ""))),
            new TableCell(c.Runs.Count.ToString(CultureInfo.InvariantCulture), c.Runs.Count),
            .. results.Columns.Select(col => c.Values[col] is { Count: > 0 } s
                ? new TableCell(s.Count > 1 ? $"{Format(s.Mean)} ± {s.StandardDeviation.ToString("G2", CultureInfo.InvariantCulture)}" : Format(s.Mean), s.Mean)
                : new TableCell("—")),
        ]);
        return new SortableTable(["configuration", .. axes, "seeds", .. results.Columns.Select(Header)], rows);
    }

    static SortableTable RunTable(SweepResults results, string pagePath)
    {
        var axes = results.Plan.AxisKeys;
        var rows = results.Runs.Select(r => (IReadOnlyList<TableCell>)
        [
            new TableCell(r.Run.Name),
            .. axes.Select(a => Cell(r.Run.Axes.GetValueOrDefault(a, ""))),
            r.Run.Seed is long seed ? new TableCell(seed.ToString(CultureInfo.InvariantCulture), seed) : new TableCell(""),
            new TableCell(r.State),
            r.Steps is long steps ? new TableCell(steps.ToString(CultureInfo.InvariantCulture), steps) : new TableCell(""),
            .. results.Columns.Select(c => r.Values.TryGetValue(c, out var v) ? new TableCell(Format(v), v) : new TableCell("—")),
        ]);
        return new SortableTable(["run", .. axes, "seed", "state", "steps", .. results.Columns.Select(Header)], rows);
    }

    /// <summary>A cell that sorts by number when its text is one (learning rates, sizes), else as text.</summary>
    static TableCell Cell(string text) =>
        new(text, double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null);

    static string Header(string column) => column.Replace('_', ' ');

    /// <summary>Per loss key: validation curves of every run (dashed, markers), then training curves (smoothed); a run's colour is its configuration's.</summary>
    static IEnumerable<IHtmlView> LossCharts(SweepResults results)
    {
        var colour = results.Configurations.Select((c, i) => (c.Configuration, i)).ToDictionary(p => p.Configuration, p => Color.fromString(ChartLayout.ColorOf(p.i)));
        var keys = MetricSeries.LossKeys(results.Runs.SelectMany(r => r.Metrics));
        foreach (var (split, title, dashed) in new[] { (MetricSeries.Validation, "validation", true), (MetricSeries.Train, "training", false) })
            foreach (var key in keys)
            {
                var traces = new List<GenericChart>();
                foreach (var r in results.Runs)
                {
                    var series = MetricSeries.Of(r.Metrics, key, split, r.Run.Name);
                    if (series.Count == 0) continue;
                    if (!dashed) series = series with { Y = SeriesTools.Ema(series.Y, 0.6) };
                    series = SeriesTools.Downsample(series, 2000);
                    var c = colour[r.Run.Configuration];
                    traces.Add(Chart.Line<double, double, string>(series.X, series.Y, ShowMarkers: dashed, Name: series.Name, LineColor: c, MarkerColor: c,
                                                                  LineDash: dashed ? StyleParam.DrawingStyle.Dash : StyleParam.DrawingStyle.Solid, UseDefaults: false));
                }
                if (traces.Count > 0)
                    yield return new ChartView(ChartLayout.Style(Chart.Combine(traces), $"{key} ({title})", "step", key, width: 620, height: 380));
            }
    }

    /// <summary>The best run: its metrics in words, its samples as animations (truth beside prediction) and a frame grid, a link to its gallery.</summary>
    static IHtmlView BestRun(RunResult best, string pagePath)
    {
        var views = new List<IHtmlView> { HtmlBlocks.Heading($"Best run: {best.Run.Name}") };
        var bestValue = best.Values[$"best_{best.MonitorMetric}"];
        views.Add(HtmlBlocks.Paragraph($"Best validation {best.MonitorMetric} {Format(bestValue)} ({(best.MonitorMode == "max" ? "higher" : "lower")} is better), after {best.Steps} steps."));
        var gallery = Path.Combine(best.Directory, "gallery.html");
        if (File.Exists(gallery)) views.Add(HtmlBlocks.Links([("its gallery (config, per-frame metrics, every sample)", RunGallery.RelativeHref(pagePath, gallery))]));
        var samples = Path.Combine(best.Directory, RunFiles.Samples);
        string truthPath = Path.Combine(samples, "truth.pt"), predictionPath = Path.Combine(samples, "prediction.pt");
        try
        {
            if (File.Exists(truthPath) && File.Exists(predictionPath))
            {
                using var truth = GalleryRun.LoadClips(truthPath);            // (N, T, C, H, W)
                using var prediction = GalleryRun.LoadClips(predictionPath);
                int n = (int)Math.Min(4, Math.Min(truth.shape[0], prediction.shape[0]));
                var clips = new List<(string, TorchSharp.torch.Tensor)>();
                try
                {
                    for (int i = 0; i < n; i++) clips.AddRange([($"truth #{i}", truth[i]), ($"prediction #{i}", prediction[i])]);
                    views.Add(ClipPlayer.Create(clips));
                }
                finally { foreach (var (_, t) in clips) t.Dispose(); }
                if (ContextFrames(best.Directory) is int context && context < truth.shape[1]) views.Add(Grid(truth, prediction, context));
            }
            else
                foreach (var file in Directory.Exists(samples) ? Directory.GetFiles(samples, "*.pt").Order(StringComparer.Ordinal).Take(2) : [])
                {
                    using var clips = GalleryRun.LoadClips(file);
                    views.Add(HtmlBlocks.Heading(Path.GetFileName(file), 3));
                    views.Add(ClipPlayer.FromBatch(clips));
                }
        }
        catch (InvalidDataException e) { views.Add(HtmlBlocks.Paragraph($"Samples could not be read: {e.Message}")); }
        return HtmlBlocks.Stack(views);
    }

    /// <summary>Context | truth | prediction | error of the first clip.</summary>
    static IHtmlView Grid(TorchSharp.torch.Tensor truth, TorchSharp.torch.Tensor prediction, int context)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        long frames = truth.shape[1];
        var first = truth[0];  // (T, C, H, W)
        return FrameGrid.Create(first.narrow(0, 0, context), first.narrow(0, context, frames - context),
                                prediction[0].narrow(0, context, frames - context), caption: "first validation clip");
    }

    /// <summary>The model's context length, from the run's config.json (predictors store <c>contextFrames</c>).</summary>
    static int? ContextFrames(string runDirectory)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(runDirectory, RunFiles.Config)));
        return config?["model"]?["config"]?["contextFrames"]?.GetValue<int>();
    }

    static string Format(double v) =>
        !double.IsFinite(v) ? "—" : v.ToString(Math.Abs(v) >= 1e4 || (v != 0 && Math.Abs(v) < 1e-3) ? "G4" : "0.####", CultureInfo.InvariantCulture);
}
