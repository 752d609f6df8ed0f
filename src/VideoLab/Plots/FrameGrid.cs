using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Plots;

/// <summary>
/// The standard picture of a prediction: rows context | ground truth | prediction | |error|, one column
/// per frame. Clips are <c>(T, C, H, W)</c> in [0, 1]; the error row is |truth − prediction| averaged over channels.
/// </summary>
public static class FrameGrid
{
    public static ImageGrid Create(Tensor context, Tensor truth, Tensor prediction, int displaySize = 96, string? caption = null)
    {
        FrameImages.CheckClip(context, nameof(context));
        FrameImages.CheckClip(truth, nameof(truth));
        FrameImages.CheckClip(prediction, nameof(prediction));
        using var scope = NewDisposeScope();
        var error = FrameImages.AbsoluteError(truth, prediction);  // (T, 1, H, W)
        return new ImageGrid(
        [
            new ImageRow("context", FrameImages.DataUris(context)),
            new ImageRow("ground truth", FrameImages.DataUris(truth)),
            new ImageRow("prediction", FrameImages.DataUris(prediction)),
            new ImageRow("|error|", FrameImages.DataUris(error)),
        ], displaySize, caption);
    }

    /// <summary>Example <paramref name="index"/> of batches <c>(B, T, C, H, W)</c>.</summary>
    public static ImageGrid FromBatch(Tensor context, Tensor truth, Tensor prediction, int index = 0, int displaySize = 96)
    {
        foreach (var (t, name) in new[] { (context, nameof(context)), (truth, nameof(truth)), (prediction, nameof(prediction)) })
            if (t.dim() != 5 || index < 0 || index >= t.shape[0])
                throw new ArgumentException($"{name} must be a batch (B, T, C, H, W) with B > {index}; got ({string.Join(", ", t.shape)}).", name);
        using var c = context[index];
        using var g = truth[index];
        using var p = prediction[index];
        return Create(c, g, p, displaySize, $"example {index}");
    }
}

/// <summary>
/// Latent interpolation: each row walks from one decoded latent to another in equal steps.
/// <c>frames</c> is <c>(R, S, C, H, W)</c>: R rows of S decoded images.
/// </summary>
public static class InterpolationGrid
{
    public static ImageGrid Create(Tensor frames, IReadOnlyList<string>? rowLabels = null, int displaySize = 64)
    {
        if (frames.dim() != 5 || frames.shape[2] is not (1 or 3))
            throw new ArgumentException(
                $"Interpolation frames must be (rows, steps, C, H, W) with C = 1 or 3; got ({string.Join(", ", frames.shape)}).", nameof(frames));
        int rows = (int)frames.shape[0];
        if (rowLabels is not null && rowLabels.Count != rows)
            throw new ArgumentException($"{rowLabels.Count} row labels for {rows} rows.", nameof(rowLabels));
        var grid = new List<ImageRow>(rows);
        for (int r = 0; r < rows; r++)
        {
            using var row = frames[r];  // (S, C, H, W)
            grid.Add(new ImageRow(rowLabels?[r] ?? $"#{r}", FrameImages.DataUris(row)));
        }
        int steps = (int)frames.shape[1];
        return new ImageGrid(grid, displaySize, $"interpolation in {steps} steps (left: α = 0, right: α = 1)");
    }
}
