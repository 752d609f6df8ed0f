using System.Globalization;
using VideoLab.Display;
using VideoLab.Metrics;
using VideoLab.Models;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Plots;

/// <summary>
/// A predictor's numbers beside the <see cref="Baselines"/> (copy-last-frame, all-black), as validation logs them
/// (<c>copy-last/mse</c>, <c>all-black/ssim@3</c>, …, see <see cref="PredictionMethod"/>) and as <c>videolab eval</c>
/// measures them: one table and per-frame charts with a line per baseline, for run galleries and eval reports.
/// </summary>
public static class BaselineViews
{
    /// <summary>The names of the baselines, in the order tables list them.</summary>
    public static IReadOnlyList<string> Names { get; } = [Baselines.CopyLast, Baselines.AllBlack];

    /// <summary>True for a key of a baseline's metric (<c>copy-last/mse</c>, <c>all-black/psnr@2</c>).</summary>
    public static bool IsBaselineKey(string key) => Names.Any(n => key.StartsWith(n + "/", StringComparison.Ordinal));

    /// <summary>Overall means by model: <paramref name="model"/> from the unprefixed keys of <paramref name="values"/>, each baseline from its prefixed ones.</summary>
    public static Dictionary<string, IReadOnlyDictionary<string, double>> Means(string model, IReadOnlyDictionary<string, double> values)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            [model] = FrameMetrics.Names.Where(values.ContainsKey).ToDictionary(m => m, m => values[m]),
        };
        foreach (var name in Names)
        {
            var own = FrameMetrics.Names.Where(m => values.ContainsKey($"{name}/{m}")).ToDictionary(m => m, m => values[$"{name}/{m}"]);
            if (own.Count > 0) result[name] = own;
        }
        return result;
    }

    /// <summary>A table of MSE, MAE, PSNR and SSIM (OpenSTL's conventions) per model, the model first, the best value of each metric in bold.</summary>
    public static IHtmlView Table(IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> means, string? caption = null)
    {
        var metrics = FrameMetrics.Names.Where(m => means.Values.All(v => v.ContainsKey(m))).ToList();
        var best = metrics.ToDictionary(m => m, m => m is "psnr" or "ssim" ? means.Values.Max(v => v[m]) : means.Values.Min(v => v[m]));
        string Cell(string m, double v) => (v == best[m] ? "<b>{0}</b>" : "{0}").Replace("{0}", HtmlBlocks.Encode(Format(v)));
        var html = "<table class=\"vl-table vl-metrics\">\n<tr><th>model</th>" +
                   string.Concat(metrics.Select(m => $"<th>{m.ToUpperInvariant()} {(m is "psnr" or "ssim" ? "↑" : "↓")}</th>")) + "</tr>\n" +
                   string.Concat(means.Select(kv => $"<tr><td>{HtmlBlocks.Encode(kv.Key)}</td>" +
                                                    string.Concat(metrics.Select(m => $"<td>{Cell(m, kv.Value[m])}</td>")) + "</tr>\n")) +
                   "</table>\n" + (caption is null ? "" : $"<p class=\"vl-caption\">{HtmlBlocks.Encode(caption)}</p>\n");
        return HtmlBlocks.Raw(html);
    }

    /// <summary>One chart per metric of the model, each with the model's per-frame curve and a line per baseline.</summary>
    public static IHtmlView HorizonCharts(string model, IReadOnlyDictionary<string, double[]> curves, int width = 480, int height = 320) =>
        HtmlBlocks.Row(curves.Keys.Where(k => !IsBaselineKey(k)).Select(metric =>
        {
            var lines = new Dictionary<string, double[]> { [model] = curves[metric] };
            foreach (var name in Names)
                if (curves.TryGetValue($"{name}/{metric}", out var values)) lines[name] = values;
            return (IHtmlView)HorizonChart.Create(metric.ToUpperInvariant(), lines, width, height);
        }));

    /// <summary>
    /// The static strip of a prediction sample, visible without pressing play: context | ground truth | prediction |
    /// |error| for each of the first <paramref name="clips"/> clips of a run's <c>samples/truth.pt</c> and
    /// <c>samples/prediction.pt</c> (context followed by the future in both), the context length from the run's settings.
    /// </summary>
    public static IHtmlView? Strips(Tensor truth, Tensor prediction, int contextFrames, int clips = 2)
    {
        if (truth.dim() != 5 || !truth.shape.SequenceEqual(prediction.shape) || contextFrames < 1 || contextFrames >= truth.shape[1]) return null;
        using var scope = NewDisposeScope();
        long horizon = truth.shape[1] - contextFrames;
        var grids = Enumerable.Range(0, (int)Math.Min(clips, truth.shape[0])).Select(i => (IHtmlView)FrameGrid.Create(
            truth[i].narrow(0, 0, contextFrames), truth[i].narrow(0, contextFrames, horizon), prediction[i].narrow(0, contextFrames, horizon),
            displaySize: 64, caption: $"clip {i}"));
        return HtmlBlocks.Stack(grids.ToList());
    }

    static string Format(double v) => double.IsPositiveInfinity(v) ? "∞"
        : v.ToString(Math.Abs(v) >= 100 ? "F1" : "G4", CultureInfo.InvariantCulture);
}
