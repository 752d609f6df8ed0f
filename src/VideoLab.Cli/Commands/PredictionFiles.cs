using Spectre.Console;
using VideoLab.Data;
using VideoLab.Media;
using VideoLab.Plots;
using static TorchSharp.torch;

namespace VideoLab.Cli.Commands;

/// <summary>
/// What <c>videolab eval --save-predictions DIR</c> writes, for Python tools and for people:
/// <list type="bullet">
/// <item><c>pred.npy</c>, <c>true.npy</c>, <c>inputs.npy</c>: float32 <c>(N, T, C, H, W)</c>, the layout OpenSTL saves (its
///   <c>saved/preds.npy</c>, <c>trues.npy</c>, <c>inputs.npy</c>); predictions raw, as the model made them, so OpenSTL's
///   metrics.py scores them as VideoLab does;</item>
/// <item><c>strip-K.png</c>: context | ground truth | prediction | |error| of the first clips;</item>
/// <item><c>prediction.gif</c>, <c>prediction.mp4</c>: the first clips, the truth above the prediction (context then future);</item>
/// <item><c>report.html</c>: the metrics beside the baselines, per-frame charts with the baselines' lines, the strips;</item>
/// <item><c>metrics.json</c>: what <c>--json</c> prints (written by the command).</item>
/// </list>
/// Predictions are gathered on the CPU as they are made; the folder is created when the first batch arrives.
/// </summary>
sealed class PredictionFiles(string directory)
{
    const int Shown = 4;
    readonly List<Tensor> _inputs = [], _truths = [], _predictions = [];

    /// <summary>One evaluation batch <c>(B, Tc + horizon, C, H, W)</c> and the model's raw prediction <c>(B, horizon, C, H, W)</c>.</summary>
    public void Add(Tensor batch, Tensor prediction, int contextFrames)
    {
        long horizon = prediction.shape[1];
        _inputs.Add(batch.narrow(1, 0, contextFrames).detach().cpu().to(ScalarType.Float32).MoveToOuterDisposeScope());
        _truths.Add(batch.narrow(1, contextFrames, horizon).detach().cpu().to(ScalarType.Float32).MoveToOuterDisposeScope());
        _predictions.Add(prediction.detach().cpu().to(ScalarType.Float32).MoveToOuterDisposeScope());
    }

    /// <summary>Writes every file; returns their paths. Video files need ffmpeg: without it they are skipped with a warning.</summary>
    public IReadOnlyList<string> Finish(string model, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> means,
                                        IReadOnlyDictionary<string, double[]> curves, string caption)
    {
        if (_predictions.Count == 0) throw new CliException("No clip was evaluated, so there are no predictions to save.");
        Directory.CreateDirectory(directory);
        using var scope = NewDisposeScope();
        var inputs = cat(_inputs, 0);            // (N, Tc, C, H, W)
        var truth = cat(_truths, 0);             // (N, horizon, C, H, W)
        var prediction = cat(_predictions, 0);   // (N, horizon, C, H, W)
        foreach (var t in _inputs.Concat(_truths).Concat(_predictions)) t.Dispose();
        var written = new List<string>();
        string Path_(string name) { var p = Path.Combine(directory, name); written.Add(p); return p; }

        NpyTensor.Write(Path_("pred.npy"), prediction);
        NpyTensor.Write(Path_("true.npy"), truth);
        NpyTensor.Write(Path_("inputs.npy"), inputs);
        int shown = (int)Math.Min(Shown, prediction.shape[0]);
        for (int i = 0; i < shown; i++) FrameStrip.SavePrediction(Path_($"strip-{i}.png"), inputs[i], truth[i], prediction[i]);

        var truthClips = cat([inputs.narrow(0, 0, shown), truth.narrow(0, 0, shown)], 1);                 // (n, Tc + horizon, C, H, W)
        var predictedClips = cat([inputs.narrow(0, 0, shown), prediction.narrow(0, 0, shown).clamp(0, 1)], 1);
        var pairs = stack([truthClips, predictedClips], 1).flatten(0, 1);                                  // (2n, T, C, H, W): truth, prediction, …
        try
        {
            var tiled = VideoWriter.Tile(pairs, columns: 2);                                                // (T, C, H', W'): truth | prediction rows
            VideoWriter.WriteGif(tiled, Path_("prediction.gif"), scale: 2);
            VideoWriter.WriteMp4(tiled, Path_("prediction.mp4"), scale: 2);
        }
        catch (Exception e) when (e is FFmpegNotFoundException or IOException)
        {
            written.RemoveAll(p => p.EndsWith(".gif", StringComparison.Ordinal) || p.EndsWith(".mp4", StringComparison.Ordinal));
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] no GIF/MP4 ({e.Message}); the .npy and .png files are written.");
        }

        var page = new HtmlPage($"Evaluation of {model}");
        page.Add(HtmlBlocks.Paragraph(caption));
        page.Heading("Against the baselines").Add(BaselineViews.Table(means,
            "MSE and MAE summed over a frame's pixels on the raw predictions, PSNR and SSIM on predictions clamped to [0, 1], as OpenSTL"));
        page.Heading("Per predicted frame").Add(BaselineViews.HorizonCharts(model, curves));
        page.Heading("Predictions").Add(BaselineViews.Strips(cat([inputs, truth], 1), cat([inputs, prediction.clamp(0, 1)], 1), (int)inputs.shape[1], shown)!);
        page.Save(Path_("report.html"));
        return written;
    }
}
