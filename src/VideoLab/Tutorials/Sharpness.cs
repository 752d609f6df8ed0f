using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Tutorials;

/// <summary>
/// A number for blur: the ratio of image-gradient energy between prediction and truth per predicted frame,
/// ρ_k = Σ_{b,u} ‖∇ŷ_{b,k}(u)‖₁ / Σ_{b,u} ‖∇y_{b,k}(u)‖₁, with forward finite differences along x and y.
/// About 1 for a sharp prediction, below 1 for a blurred one. Not a quality metric: noise is "sharp" too.
/// </summary>
public static class Sharpness
{
    /// <summary>ρ_k for k = 1..T of <paramref name="prediction"/> against <paramref name="truth"/>, both <c>(B, T, C, H, W)</c>.</summary>
    public static double[] Ratio(Tensor prediction, Tensor truth)
    {
        VideoShape.Check(prediction, "Sharpness.Ratio prediction");
        VideoShape.Check(truth, "Sharpness.Ratio truth");
        if (!prediction.shape.SequenceEqual(truth.shape))
            throw new ArgumentException($"Sharpness.Ratio: prediction {VideoShape.Format(prediction.shape)} and truth {VideoShape.Format(truth.shape)} differ.");
        using var scope = NewDisposeScope();
        var ratio = GradientEnergy(prediction) / GradientEnergy(truth).clamp_min(1e-12);   // (T)
        return ratio.to(ScalarType.Float64).cpu().data<double>().ToArray();
    }

    /// <summary>Σ over batch, channels and pixels of |∂x| + |∂y| per frame: <c>(T)</c>.</summary>
    public static Tensor GradientEnergy(Tensor clips)                                      // (B, T, C, H, W)
    {
        var dx = (clips.narrow(4, 1, clips.shape[4] - 1) - clips.narrow(4, 0, clips.shape[4] - 1)).abs();  // (B, T, C, H, W−1)
        var dy = (clips.narrow(3, 1, clips.shape[3] - 1) - clips.narrow(3, 0, clips.shape[3] - 1)).abs();  // (B, T, C, H−1, W)
        return dx.sum([0, 2, 3, 4]) + dy.sum([0, 2, 3, 4]);                                // (T)
    }
}
