using System.Globalization;
using Plotly.NET;
using VideoLab.Display;
using VideoLab.Training;
using Chart = Plotly.NET.CSharp.Chart;

namespace VideoLab.Plots;

/// <summary>How much a gallery shows.</summary>
public sealed record GalleryOptions
{
    /// <summary>Points per trace at most: a 100k-step run draws as fast as a 2k-step one.</summary>
    public int MaxPoints { get; init; } = 2000;
    /// <summary>Clips per sample file shown side by side.</summary>
    public int ClipsPerSample { get; init; } = 4;
    /// <summary>Sample files shown (the rest are listed).</summary>
    public int MaxSampleFiles { get; init; } = 6;
    /// <summary>EMA weight of training curves.</summary>
    public double Smoothing { get; init; } = 0.6;
}

/// <summary>
/// Self-contained HTML pages for run directories: <see cref="ForRun"/> (config, losses, metric table, the model
/// beside the copy-last and all-black baselines, per-horizon curves with the baselines' lines, static strips of
/// the predictions, sample animations, links to MP4/GIF exports) and <see cref="Compare"/>
/// (several runs side by side). <c>videolab render</c> writes them.
/// </summary>
public static class RunGallery
{
    /// <summary>The page of one run; <paramref name="outputPath"/> is where it will be written (links to exports are relative to it).</summary>
    public static HtmlPage ForRun(string runDirectory, string outputPath, GalleryOptions? options = null)
    {
        options ??= new GalleryOptions();
        var run = GalleryRun.Load(runDirectory);
        var page = new HtmlPage($"Run {run.Name}");
        page.Add(HtmlBlocks.Paragraph($"{run.Directory} · {run.Metrics.Count} metric records" +
                                      (run.Metrics.Count > 0 ? $" · last step {run.Metrics.Max(r => r.Step)}" : "")));
        page.Add(HtmlBlocks.Preformatted(run.ConfigText, "config.json"));

        var keys = MetricSeries.Keys(run.Metrics);
        var charts = new List<IHtmlView>();
        var gan = new GanKeys();
        bool isGan = new[] { gan.DLoss, gan.GLoss, gan.DReal, gan.DFake }.All(keys.Contains);
        // A GAN's D and G losses get their own chart beside D's outputs; the loss chart keeps the rest.
        var lossKeys = MetricSeries.LossKeys(run.Metrics).Where(k => !isGan || (k != gan.DLoss && k != gan.GLoss)).ToList();
        if (lossKeys.Count > 0)
            charts.Add(LossCurves.Create(run.Metrics, new LossCurveOptions
            {
                Keys = lossKeys, MaxPoints = options.MaxPoints, Smoothing = options.Smoothing, LogY = SpansDecades(run.Metrics),
            }));
        if (isGan) charts.Add(GanDynamics.Create(run.Metrics, gan, options.Smoothing, options.MaxPoints));
        if (keys.Contains("perplexity")) charts.Add(CodebookCharts.PerplexityCurve(run.Metrics, maxPoints: options.MaxPoints));
        if (charts.Count > 0) page.Heading("Training").Add(HtmlBlocks.Row(charts));

        if (run.Metrics.Count > 0) page.Heading("Metrics").Add(MetricTable(run));
        var last = run.SummaryRecords().LastOrDefault();
        if (last is not null && last.Values.Keys.Any(BaselineViews.IsBaselineKey))
            page.Heading("Against the baselines").Add(BaselineViews.Table(BaselineViews.Means(run.Name, last.Values),
                $"last validation (step {last.Step}); MSE and MAE summed over a frame's pixels on the raw predictions, PSNR and SSIM " +
                "on predictions clamped to [0, 1], as OpenSTL"));
        var horizon = HorizonMetrics.Latest(run.Metrics);
        if (horizon.Count > 0) page.Heading("Per predicted frame").Add(BaselineViews.HorizonCharts(run.Name, horizon));
        if (PredictionStrips(run) is { } strips) page.Heading("Predictions").Add(strips);

        var samples = run.SampleTensors.ToList();
        if (samples.Count > 0)
        {
            page.Heading("Samples");
            foreach (var path in samples.Take(options.MaxSampleFiles))
                page.Add(HtmlBlocks.Heading(Path.GetFileName(path), 3)).Add(SamplePlayer(path, options));
            if (samples.Count > options.MaxSampleFiles)
                page.Add(HtmlBlocks.Paragraph($"Not shown: {string.Join(", ", samples.Skip(options.MaxSampleFiles).Select(Path.GetFileName))}."));
        }
        var exports = run.Exports.ToList();
        if (exports.Count > 0) page.Heading("Exports").Add(HtmlBlocks.Links(exports.Select(f => (Path.GetFileName(f), RelativeHref(outputPath, f)))));
        return page;
    }

    /// <summary>Several runs side by side: config differences, shared loss curves, final metrics, per-horizon curves, first clips.</summary>
    public static HtmlPage Compare(IReadOnlyList<string> runDirectories, GalleryOptions? options = null)
    {
        options ??= new GalleryOptions();
        if (runDirectories.Count < 2) throw new ArgumentException($"Comparing needs at least two runs; got {runDirectories.Count}.");
        var runs = runDirectories.Select(GalleryRun.Load).ToList();
        var names = UniqueNames(runs);
        var page = new HtmlPage($"Compare {string.Join(" · ", names)}");

        var flat = runs.Select(r => r.FlatConfig()).ToList();
        var differing = flat.SelectMany(f => f.Keys).Distinct().Order(StringComparer.Ordinal)
                            .Where(k => flat.Select(f => f.GetValueOrDefault(k, "—")).Distinct().Count() > 1).ToList();
        page.Heading("Config differences").Add(differing.Count == 0
            ? HtmlBlocks.Paragraph("The configs are identical.")
            : HtmlBlocks.Table(["setting", .. names], differing.Select(k => (IReadOnlyList<string>)[k, .. flat.Select(f => f.GetValueOrDefault(k, "—"))])));

        var lossKeys = runs.SelectMany(r => MetricSeries.LossKeys(r.Metrics)).Distinct().ToList();
        if (lossKeys.Count > 0)
            page.Heading("Losses").Add(HtmlBlocks.Row(lossKeys.Select(k => (IHtmlView)CompareLoss(runs, names, k, options))));

        var summaryKeys = runs.SelectMany(r => r.SummaryRecords().SelectMany(x => x.Values.Keys)).Distinct()
                              .Where(k => !HorizonMetrics.IsHorizonKey(k) && !BaselineViews.IsBaselineKey(k)).ToList();
        if (summaryKeys.Count > 0)
            page.Heading("Final metrics").Add(HtmlBlocks.Table(["run", .. summaryKeys], runs.Select((r, i) =>
            {
                var last = r.SummaryRecords();
                return (IReadOnlyList<string>)[names[i], .. summaryKeys.Select(k => Format(last.LastOrDefault(x => x.Values.ContainsKey(k))?.Values[k]))];
            })));

        var horizons = runs.Select(r => HorizonMetrics.Latest(r.Metrics)).ToList();
        var horizonMetrics = horizons.SelectMany(h => h.Keys).Where(k => !BaselineViews.IsBaselineKey(k)).Distinct().ToList();
        if (horizonMetrics.Count > 0)
            page.Heading("Per predicted frame").Add(HtmlBlocks.Row(horizonMetrics.Select(m =>
            {
                var lines = horizons.Select((h, i) => (names[i], h)).Where(p => p.h.ContainsKey(m)).ToDictionary(p => p.Item1, p => p.h[m]);
                // The baselines once, from the first run that logged them (the runs' validation clips may differ: see each run's page).
                foreach (var name in BaselineViews.Names)
                    if (horizons.FirstOrDefault(h => h.ContainsKey($"{name}/{m}")) is { } h) lines[name] = h[$"{name}/{m}"];
                return (IHtmlView)HorizonChart.Create(m, lines, 480, 320);
            })));

        var labels = runs.SelectMany(r => r.SampleTensors.Select(Path.GetFileName)).Distinct().Take(options.MaxSampleFiles).ToList();
        if (labels.Count > 0) page.Heading("Samples (first clip of each run)");
        foreach (var label in labels)
        {
            var clips = new List<(string, TorchSharp.torch.Tensor)>();
            try
            {
                for (int i = 0; i < runs.Count; i++)
                {
                    var path = Path.Combine(runs[i].Directory, RunFiles.Samples, label!);
                    if (!File.Exists(path)) continue;
                    using var all = GalleryRun.LoadClips(path);
                    clips.Add((names[i], all[0]));  // (T, C, H, W)
                }
                page.Add(HtmlBlocks.Heading(label!, 3)).Add(ClipPlayer.Create(clips));
            }
            catch (InvalidDataException e) { page.Add(HtmlBlocks.Paragraph($"{label}: {e.Message}")); }
            finally { foreach (var (_, t) in clips) t.Dispose(); }
        }
        return page;
    }

    /// <summary>The static strips (context | truth | prediction | error) of a prediction run's last samples, or null for other runs.</summary>
    static IHtmlView? PredictionStrips(GalleryRun run)
    {
        var truthPath = Path.Combine(run.Directory, RunFiles.Samples, "truth.pt");
        var predictionPath = Path.Combine(run.Directory, RunFiles.Samples, "prediction.pt");
        if (!File.Exists(truthPath) || !File.Exists(predictionPath) || run.Config is null) return null;
        try
        {
            using var truth = GalleryRun.LoadClips(truthPath);            // (N, Tc + horizon, C, H, W)
            using var prediction = GalleryRun.LoadClips(predictionPath);  // (N, Tc + horizon, C, H, W)
            var method = RunConfig.FromJson(run.Config.ToJsonString()).Method ?? new MethodSettings();
            var (context, _) = PredictionSettings.FromOptions(method).Split(truth.shape[1]);
            return BaselineViews.Strips(truth, prediction, context);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or System.Text.Json.JsonException or FormatException)
        {
            return HtmlBlocks.Paragraph($"No prediction strips: {e.Message}");
        }
    }

    static IHtmlView SamplePlayer(string path, GalleryOptions options)
    {
        try
        {
            using var clips = GalleryRun.LoadClips(path);  // (N, T, C, H, W)
            return ClipPlayer.FromBatch(clips, options.ClipsPerSample);
        }
        catch (InvalidDataException e) { return HtmlBlocks.Paragraph(e.Message); }
    }

    /// <summary>One loss key across runs: each run's smoothed training curve, and its validation curve dashed.</summary>
    static ChartView CompareLoss(List<GalleryRun> runs, List<string> names, string key, GalleryOptions options)
    {
        var traces = new List<GenericChart>();
        for (int i = 0; i < runs.Count; i++)
        {
            var color = Color.fromString(ChartLayout.ColorOf(i));
            var train = MetricSeries.Of(runs[i].Metrics, key, MetricSeries.Train, $"{names[i]} (train)");
            var opts = new LossCurveOptions { Smoothing = options.Smoothing, MaxPoints = options.MaxPoints };
            traces.AddRange(LossCurves.TrainTraces(train, color, opts));
            var val = SeriesTools.Downsample(MetricSeries.Of(runs[i].Metrics, key, MetricSeries.Validation, $"{names[i]} (val)"), options.MaxPoints);
            if (val.Count > 0)
                traces.Add(Chart.Line<double, double, string>(val.X, val.Y, ShowMarkers: true, Name: val.Name, LineColor: color,
                                                              MarkerColor: color, LineDash: StyleParam.DrawingStyle.Dash, UseDefaults: false));
        }
        bool logY = runs.Any(r => SpansDecades(r.Metrics));
        return new ChartView(ChartLayout.Style(Chart.Combine(traces), key, "step", key, logY, width: 520, height: 340));
    }

    /// <summary>Per value key: last value, best value and its step ("best" is the maximum for PSNR/SSIM/accuracy, otherwise the minimum).</summary>
    static IHtmlView MetricTable(GalleryRun run)
    {
        var records = run.SummaryRecords();
        var split = records.FirstOrDefault()?.Split ?? "";
        var rows = MetricSeries.Keys(records).Where(k => !HorizonMetrics.IsHorizonKey(k) && !BaselineViews.IsBaselineKey(k)).Select(k =>
        {
            var points = records.Where(r => r.Values.TryGetValue(k, out var v) && double.IsFinite(v)).ToList();
            if (points.Count == 0) return (IReadOnlyList<string>)[k, "—", "—", "—"];
            bool higher = HigherIsBetter(k);
            var best = higher ? points.MaxBy(r => r.Values[k])! : points.MinBy(r => r.Values[k])!;
            return [k, Format(points[^1].Values[k]), Format(best.Values[k]), best.Step.ToString(CultureInfo.InvariantCulture)];
        });
        return HtmlBlocks.Table([$"{split} metric", "last", "best", "best at step"], rows);
    }

    internal static bool HigherIsBetter(string key) =>
        new[] { "psnr", "ssim", "acc", "perplexity", "samples/s", "samples_per_s" }.Any(s => key.Contains(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when positive losses span more than two decades: draw them on a log axis.</summary>
    static bool SpansDecades(IReadOnlyList<MetricRecord> records)
    {
        var values = MetricSeries.LossKeys(records)
            .SelectMany(k => records.Where(r => r.Values.ContainsKey(k)).Select(r => r.Values[k]))
            .Where(v => double.IsFinite(v)).ToList();
        return values.Count > 0 && values.Min() > 0 && values.Max() / values.Min() > 100;
    }

    static string Format(double? v) => v is double d ? d.ToString(Math.Abs(d) >= 1e4 || (d != 0 && Math.Abs(d) < 1e-3) ? "G4" : "0.####", CultureInfo.InvariantCulture) : "—";

    /// <summary>Run names, made distinct by their parent folder, then by position, when two share a name.</summary>
    static List<string> UniqueNames(List<GalleryRun> runs)
    {
        var names = runs.Select(r => runs.Count(o => o.Name == r.Name) > 1
            ? $"{Path.GetFileName(Path.GetDirectoryName(r.Directory))}/{r.Name}" : r.Name).ToList();
        return names.Select((n, i) => names.Count(o => o == n) > 1 ? $"{n} #{i + 1}" : n).ToList();
    }

    /// <summary>A link from the page at <paramref name="pagePath"/> to <paramref name="file"/>, relative, with URL escaping.</summary>
    internal static string RelativeHref(string pagePath, string file)
    {
        var relative = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(pagePath))!, Path.GetFullPath(file));
        return string.Join('/', relative.Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString));
    }
}
