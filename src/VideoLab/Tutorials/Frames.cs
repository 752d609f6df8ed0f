using VideoLab.Models;
using VideoLab.Plots;
using VideoLab.Runtime;
using static TorchSharp.torch;

namespace VideoLab.Tutorials;

/// <summary>Frame grids with any rows (context, truth, several models' predictions, errors), one labelled row per clip.</summary>
public static class Frames
{
    /// <summary>A grid with one row per <c>(label, clip (T, C, H, W))</c>; rows may have different lengths.</summary>
    public static ImageGrid Grid(IEnumerable<(string Label, Tensor Clip)> rows, int displaySize = 64, string? caption = null) =>
        new([.. rows.Select(r => new ImageRow(r.Label, FrameImages.DataUris(r.Clip.detach().cpu().clamp(0, 1))))], displaySize, caption);

    /// <summary>|truth − prediction| averaged over channels, as a one-channel clip (T, 1, H, W).</summary>
    public static Tensor Error(Tensor truth, Tensor prediction) => FrameImages.AbsoluteError(truth, prediction);

    /// <summary>
    /// The standard comparison picture for one clip <c>(T, C, H, W)</c>: rows context | truth | each model's prediction of
    /// <paramref name="horizon"/> frames from the first <paramref name="context"/> (eval mode, no gradients) | the last model's |error|.
    /// </summary>
    public static ImageGrid Compare(Tensor clip, int context, int horizon, IEnumerable<(string Label, nn.Module Model)> models,
                                    bool errorRow = true, int displaySize = 64, string? caption = null)
    {
        if (clip.dim() != 4 || clip.shape[0] < context + horizon)
            throw new ArgumentException($"Expected one clip (T, C, H, W) with at least {context + horizon} frames, got ({string.Join(", ", clip.shape)}).");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var truth = clip.narrow(0, context, horizon);                                            // (horizon, C, H, W)
        var rows = new List<(string, Tensor)> { ("context", clip.narrow(0, 0, context)), ("ground truth", truth) };
        Tensor? last = null;
        string lastLabel = "";
        foreach (var (label, model) in models)
        {
            var predictor = model as IVideoPredictor ?? throw new ArgumentException($"{label} is not a video predictor.");
            bool training = model.training;
            model.eval();
            last = predictor.Predict(clip.narrow(0, 0, context).unsqueeze(0).to(Lab.Device), horizon)[0].clamp(0, 1).cpu();  // (horizon, C, H, W)
            if (training) model.train();
            lastLabel = label;
            rows.Add((label, last));
        }
        if (errorRow && last is not null) rows.Add(($"|error| {lastLabel}", Error(truth.cpu(), last)));
        return Grid(rows, displaySize, caption);
    }

    /// <summary>The same for tutorial runs.</summary>
    public static ImageGrid Compare(Tensor clip, int context, int horizon, IEnumerable<TutorialRun> runs, bool errorRow = true, string? caption = null) =>
        Compare(clip, context, horizon, runs.Select(r => (r.Label, r.Model)), errorRow, caption: caption);

    /// <summary>
    /// Each model's rollout of <paramref name="horizon"/> frames after the first <paramref name="context"/> of <paramref name="clip"/>,
    /// as full clips (context followed by prediction) for a side-by-side <see cref="ClipPlayer"/>, with the truth first.
    /// </summary>
    public static ClipPlayer Rollouts(Tensor clip, int context, int horizon, IEnumerable<TutorialRun> runs, int fps = 6)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = clip.narrow(0, 0, context);                                                   // (Tc, C, H, W)
        var clips = new List<(string, Tensor)> { ("ground truth", clip.narrow(0, 0, context + horizon).cpu()) };
        foreach (var run in runs)
        {
            bool training = run.Model.training;
            run.Model.eval();
            var prediction = run.Predictor.Predict(input.unsqueeze(0).to(Lab.Device), horizon)[0].clamp(0, 1);  // (horizon, C, H, W)
            if (training) run.Model.train();
            clips.Add((run.Label, cat([input.to(prediction.device), prediction], 0).cpu()));       // (Tc + horizon, C, H, W)
        }
        return ClipPlayer.Create(clips, fps);
    }
}
