using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// Space-to-depth on every frame, as OpenSTL's recurrent models do (<c>reshape_patch</c>): each
/// <c>p×p</c> patch of pixels becomes <c>p·p</c> channels of one cell, so a 64×64 frame with patch 4 is
/// a 16×16 grid of 16-channel cells. Recurrent layers then run on a 16× smaller grid.
/// (OpenSTL orders the patch channels (p, p, C); pixel_unshuffle orders them (C, p, p): same information.)
/// </summary>
public static class Patches
{
    /// <summary>(B, T, C, H, W) → (B, T, C·p·p, H/p, W/p). H and W must be multiples of <paramref name="patch"/>.</summary>
    public static Tensor Split(Tensor video, int patch)
    {
        if (patch == 1) return video.alias();
        long batch = video.shape[0];
        var cells = nn.functional.pixel_unshuffle(VideoShape.FoldTime(video), patch);  // (B·T, C·p·p, H/p, W/p)
        return VideoShape.UnfoldTime(cells, batch);                                      // (B, T, C·p·p, H/p, W/p)
    }

    /// <summary>(B, T, C·p·p, H/p, W/p) → (B, T, C, H, W), the inverse of <see cref="Split"/>.</summary>
    public static Tensor Merge(Tensor cells, int patch)
    {
        if (patch == 1) return cells.alias();
        long batch = cells.shape[0];
        var frames = nn.functional.pixel_shuffle(VideoShape.FoldTime(cells), patch);  // (B·T, C, H, W)
        return VideoShape.UnfoldTime(frames, batch);                                   // (B, T, C, H, W)
    }

    /// <summary>Throws unless <paramref name="height"/> and <paramref name="width"/> are multiples of <paramref name="patch"/>.</summary>
    public static void CheckDivides(int patch, int height, int width, string who)
    {
        if (patch < 1 || height % patch != 0 || width % patch != 0)
            throw new ArgumentException(
                $"{who}: patch size {patch} must be positive and divide the frame size {height}×{width}; " +
                "choose a patch size that divides both (e.g. 1, 2 or 4 for 64×64).");
    }
}
