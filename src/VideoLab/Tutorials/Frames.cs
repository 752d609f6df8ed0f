using VideoLab.Plots;
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
}
