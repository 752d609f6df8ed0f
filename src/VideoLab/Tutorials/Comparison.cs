using System.Globalization;
using System.Text.Json.Nodes;
using VideoLab.Display;
using VideoLab.Metrics;
using VideoLab.Models;
using VideoLab.Modules;
using VideoLab.Plots;
using VideoLab.Runtime;
using static TorchSharp.torch;

namespace VideoLab.Tutorials;

/// <summary>One model's scores on the test clips.</summary>
/// <param name="Label">Model name.</param>
/// <param name="Means">Mean over clips and predicted frames, per metric (<see cref="FrameMetrics.Names"/>).</param>
/// <param name="StandardErrors">Standard error of that mean over clips (clip means are the samples).</param>
/// <param name="Curves">Per-horizon means: <c>Curves[m][k]</c> is predicted frame k + 1.</param>
/// <param name="Parameters">Trainable parameters (0 for baselines).</param>
/// <param name="Clips">Test clips scored.</param>
public sealed record ModelScore(string Label, IReadOnlyDictionary<string, double> Means, IReadOnlyDictionary<string, double> StandardErrors,
                                IReadOnlyDictionary<string, double[]> Curves, long Parameters, long Clips);

/// <summary>
/// Scores several predictors on the same test clips, frame by frame, with the conventions of
/// <see cref="FrameMetrics"/> (MSE/MAE summed over a frame's pixels, PSNR and SSIM per frame), and shows
/// the result as a table and per-horizon charts.
/// </summary>
public sealed class Comparison
{
    Comparison(IReadOnlyList<ModelScore> scores) => Scores = scores;

    public IReadOnlyList<ModelScore> Scores { get; }

    /// <summary>
    /// Predicts <paramref name="horizon"/> frames from the first <paramref name="context"/> of each clip of <paramref name="clips"/>
    /// <c>(N, T, C, H, W)</c> with every model, in eval mode under <c>no_grad</c>, in batches of <paramref name="batchSize"/>.
    /// </summary>
    public static Comparison Evaluate(IEnumerable<(string Label, nn.Module Model)> models, Tensor clips, int context, int horizon, int batchSize = 16)
    {
        VideoShape.Check(clips, nameof(Comparison));
        if (clips.shape[1] < context + horizon)
            throw new ArgumentException($"Clips have {clips.shape[1]} frames: too few for {context} context + {horizon} predicted frames.");
        var scores = new List<ModelScore>();
        foreach (var (label, model) in models)
        {
            var predictor = model as IVideoPredictor ?? throw new ArgumentException($"{label} ({model.GetType().Name}) is not a video predictor.");
            bool training = model.training;
            model.eval();
            var perClip = new Dictionary<string, List<double>>();
            var sums = new Dictionary<string, double[]>();
            using (no_grad())
            {
                for (long start = 0; start < clips.shape[0]; start += batchSize)
                {
                    using var scope = NewDisposeScope();
                    var batch = clips.narrow(0, start, Math.Min(batchSize, clips.shape[0] - start)).to(Lab.Device);  // (B, T, C, H, W)
                    var truth = batch.narrow(1, context, horizon);                                                     // (B, horizon, C, H, W)
                    var prediction = predictor.Predict(batch.narrow(1, 0, context), horizon);                       // (B, horizon, C, H, W), raw
                    foreach (var (name, values) in Metrics(prediction, truth))
                    {
                        var v = values.to(ScalarType.Float64).cpu();                                                  // (B, horizon)
                        (perClip.TryGetValue(name, out var list) ? list : perClip[name] = []).AddRange(v.mean([1L]).data<double>().ToArray());
                        var steps = v.sum([0L]).data<double>().ToArray();
                        if (!sums.TryGetValue(name, out var s)) sums[name] = s = new double[horizon];
                        for (int k = 0; k < horizon; k++) s[k] += steps[k];
                    }
                }
            }
            if (training) model.train();
            long n = clips.shape[0];
            scores.Add(new ModelScore(label,
                perClip.ToDictionary(kv => kv.Key, kv => kv.Value.Average()),
                perClip.ToDictionary(kv => kv.Key, kv => StandardError(kv.Value)),
                sums.ToDictionary(kv => kv.Key, kv => kv.Value.Select(x => x / n).ToArray()),
                model.parameters().Sum(p => p.numel()), n));
        }
        return new Comparison(scores);
    }

    /// <summary>
    /// The scores of <paramref name="runs"/> and of any <paramref name="extra"/> models, such as the baselines
    /// (<c>Baselines.Create()</c>), on <paramref name="clips"/>.
    /// </summary>
    public static Comparison Evaluate(IEnumerable<TutorialRun> runs, Tensor clips, int context, int horizon,
                                      IEnumerable<(string Label, nn.Module Model)>? extra = null) =>
        Evaluate(runs.Select(r => (r.Label, r.Model)).Concat(extra ?? []), clips, context, horizon);

    /// <summary>
    /// The metric table: MSE, MAE, PSNR, SSIM (mean ± standard error over clips when <paramref name="withErrors"/>),
    /// parameters, and any extra columns per model; sorted by MSE; the best value of each metric in bold.
    /// </summary>
    public IHtmlView Table(bool withErrors = false, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? extraColumns = null)
    {
        var metrics = FrameMetrics.Names.Where(m => Scores.All(s => s.Means.ContainsKey(m))).ToList();
        var extraNames = extraColumns?.Values.SelectMany(d => d.Keys).Distinct().ToList() ?? [];
        var best = metrics.ToDictionary(m => m, m => m is "psnr" or "ssim" ? Scores.Max(s => s.Means[m]) : Scores.Min(s => s.Means[m]));
        var rows = Scores.OrderBy(s => s.Means.GetValueOrDefault("mse", double.NaN)).Select(s =>
        {
            var row = new List<string> { s.Label };
            foreach (var m in metrics)
            {
                var text = Format(s.Means[m]) + (withErrors ? " ± " + Format(s.StandardErrors[m]) : "");
                row.Add(s.Means[m] == best[m] ? $"**{text}**" : text);
            }
            row.Add(s.Parameters.ToString("N0", CultureInfo.InvariantCulture));
            foreach (var e in extraNames) row.Add(extraColumns!.TryGetValue(s.Label, out var d) && d.TryGetValue(e, out var v) ? v : "");
            return (IReadOnlyList<string>)row;
        }).ToList();
        var headers = new List<string> { "model" };
        headers.AddRange(metrics.Select(m => m.ToUpperInvariant() + (m is "psnr" or "ssim" ? " ↑" : " ↓")));
        headers.Add("parameters");
        headers.AddRange(extraNames);
        return new BoldTable(headers, rows, Scores.FirstOrDefault()?.Clips ?? 0);
    }

    /// <summary>
    /// <paramref name="metric"/> against the predicted frame index, one line per model; with <paramref name="trainedHorizon"/>,
    /// a dotted line marks where the horizon the models were trained on ends.
    /// </summary>
    public ChartView Horizon(string metric, int? trainedHorizon = null) => trainedHorizon is int h
        ? Charts.Lines($"{metric.ToUpperInvariant()} per predicted frame", "predicted frame", metric.ToUpperInvariant(),
                       Scores.Where(s => s.Curves.ContainsKey(metric)).ToDictionary(s => s.Label, s => s.Curves[metric]), markers: [h + 0.5])
        : HorizonChart.Create(metric.ToUpperInvariant(), Scores.Where(s => s.Curves.ContainsKey(metric)).ToDictionary(s => s.Label, s => s.Curves[metric]));

    /// <summary>Both per-horizon charts of the notebooks, MSE and SSIM, side by side.</summary>
    public IHtmlView HorizonCharts(int? trainedHorizon = null) =>
        Scores.All(s => s.Curves.ContainsKey("ssim")) ? HtmlBlocks.Row(Horizon("mse", trainedHorizon), Horizon("ssim", trainedHorizon)) : Horizon("mse", trainedHorizon);

    /// <summary>
    /// Checks the claim every prediction notebook makes: each model beats every baseline, by at least
    /// <paramref name="mseMargin"/> on MSE (relative: 0.1 = 10% below the best baseline) and <paramref name="ssimMargin"/>
    /// on SSIM (absolute, above the best baseline). Shows one row per model with its margins and ✓ or ✗, and records
    /// the scores under <paramref name="name"/> in <see cref="TutorialResults"/>.
    /// </summary>
    public IHtmlView Verdict(string name, double mseMargin, double ssimMargin, IReadOnlyList<string>? baselines = null)
    {
        var baselineLabels = baselines ?? [Baselines.CopyLast, Baselines.AllBlack];
        var reference = Scores.Where(s => baselineLabels.Contains(s.Label)).ToList();
        if (reference.Count == 0)
            throw new ArgumentException($"Verdict '{name}': none of the baselines {string.Join(", ", baselineLabels)} was evaluated; " +
                                        "pass them to Comparison.Evaluate (e.g. Baselines.Create()).");
        bool hasSsim = Scores.All(s => s.Means.ContainsKey("ssim"));
        double bestMse = reference.Min(s => s.Means["mse"]);
        double bestSsim = hasSsim ? reference.Max(s => s.Means["ssim"]) : double.NaN;
        var models = Scores.Where(s => !baselineLabels.Contains(s.Label)).ToList();
        var rows = new List<IReadOnlyList<string>>();
        var json = new JsonObject();
        int passed = 0;
        foreach (var m in models)
        {
            double mseGain = 1 - m.Means["mse"] / bestMse;                  // fraction below the best baseline
            double ssimGain = hasSsim ? m.Means["ssim"] - bestSsim : double.NaN;
            bool pass = mseGain >= mseMargin && (!hasSsim || ssimGain >= ssimMargin);
            if (pass) passed++;
            rows.Add([m.Label, Format(m.Means["mse"]), $"{mseGain:+0.0%;-0.0%}", hasSsim ? Format(m.Means["ssim"]) : "–",
                      hasSsim ? ssimGain.ToString("+0.000;-0.000", CultureInfo.InvariantCulture) : "–", pass ? "✓" : "✗"]);
            json[m.Label] = Values(m, pass);
        }
        foreach (var b in reference) json[b.Label] = Values(b, null);
        TutorialResults.Record(name, new JsonObject
        {
            ["clips"] = Scores.FirstOrDefault()?.Clips ?? 0, ["mse_margin"] = mseMargin, ["ssim_margin"] = ssimMargin,
            ["baselines"] = new JsonArray([.. baselineLabels.Select(l => (JsonNode)JsonValue.Create(l)!)]),
            ["passed"] = passed, ["models"] = models.Count, ["scores"] = json,
        });
        string best = $"the best baseline: MSE {Format(bestMse)}" + (hasSsim ? $", SSIM {Format(bestSsim)}" : "");
        return HtmlBlocks.Stack(
        [
            HtmlBlocks.Table(["model", "MSE ↓", "MSE below the best baseline", "SSIM ↑", "SSIM above the best baseline", $"≥ {mseMargin:P0} and ≥ {ssimMargin:0.00#}"], rows),
            HtmlBlocks.Paragraph($"{passed} of {models.Count} models beat every baseline ({string.Join(", ", baselineLabels)}) by the margins; {best}."),
        ]);

        static JsonObject Values(ModelScore score, bool? pass)
        {
            var o = new JsonObject { ["parameters"] = score.Parameters };
            foreach (var (metric, value) in score.Means) o[metric] = double.IsFinite(value) ? value : null;
            if (pass is bool p) o["pass"] = p;
            return o;
        }
    }

    /// <summary><see cref="FrameMetrics.All"/> (OpenSTL's rules), with a frame reproduced exactly counted as 100 dB, not +∞.</summary>
    internal static IReadOnlyDictionary<string, Tensor> Metrics(Tensor prediction, Tensor truth) =>
        FrameMetrics.All(prediction, truth).ToDictionary(kv => kv.Key, kv => kv.Key == "psnr" ? kv.Value.clamp_max(100) : kv.Value);

    static double StandardError(List<double> values)
    {
        if (values.Count < 2) return double.NaN;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) / values.Count);
    }

    static string Format(double value) => Math.Abs(value) >= 100 ? value.ToString("F1", CultureInfo.InvariantCulture)
        : value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>An HTML table whose cells marked **like this** are bold.</summary>
    sealed class BoldTable(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, long clips) : IHtmlView
    {
        public string ToHtml(HtmlAssets assets)
        {
            static string Cell(string text, string tag) => text.StartsWith("**", StringComparison.Ordinal) && text.EndsWith("**", StringComparison.Ordinal)
                ? $"<{tag}><b>{HtmlBlocks.Encode(text[2..^2])}</b></{tag}>" : $"<{tag}>{HtmlBlocks.Encode(text)}</{tag}>";
            return PageStyle.Require(assets) + "<table class=\"vl-table vl-metrics\">\n<tr>" + string.Concat(headers.Select(h => Cell(h, "th"))) + "</tr>\n" +
                   string.Concat(rows.Select(r => "<tr>" + string.Concat(r.Select(c => Cell(c, "td"))) + "</tr>\n")) +
                   $"</table>\n<p class=\"vl-caption\">{clips} test clips; MSE and MAE summed over a frame's pixels, averaged over frames and clips.</p>\n";
        }
    }
}
