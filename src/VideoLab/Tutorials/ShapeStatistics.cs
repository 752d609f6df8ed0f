using static TorchSharp.torch;

namespace VideoLab.Tutorials;

/// <summary>
/// A way to measure generated clips of bouncing shapes without a pretrained network: five hand-made statistics per clip
/// that describe "coloured shapes moving on black", and the Fréchet distance between the Gaussians fitted to them over
/// two sets of clips (the formula of FID and FVD, Heusel et al. 2017 and Unterthiner et al. 2018, on these features
/// instead of a network's). Not comparable with FVD; meaningful beside its real-versus-real reference.
/// </summary>
public static class ShapeStatistics
{
    /// <summary>The statistics, in the column order of <see cref="Features"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["dark fraction", "colour saturation", "flat fraction", "frame change", "frame correlation"];

    /// <summary>Pixels whose brightest channel is below this are background.</summary>
    public const double DarkBelow = 0.1;
    /// <summary>Pixels whose brightest channel reaches this are lit (part of a shape).</summary>
    public const double LitFrom = 0.3;
    /// <summary>Neighbouring pixels closer than this in every channel have the same colour.</summary>
    public const double SameColour = 0.05;

    /// <summary>
    /// Per clip of <paramref name="clips"/> <c>(N, T, C, H, W)</c> in [0, 1], as <c>(N, 5)</c> float64 on the CPU:
    /// <list type="number">
    /// <item>dark fraction: the share of pixels whose brightest channel is below <see cref="DarkBelow"/>;</item>
    /// <item>colour saturation: over lit pixels, the mean of (max − min) / max across channels (0 for grey);</item>
    /// <item>flat fraction: over lit pixels, the share whose right and lower neighbours differ by less than <see cref="SameColour"/> in every channel;</item>
    /// <item>frame change: the mean |x_t − x_{t−1}|;</item>
    /// <item>frame correlation: the mean Pearson correlation between consecutive frames (0 when a frame is constant).</item>
    /// </list>
    /// A clip with no lit pixel has saturation and flat fraction 0.
    /// </summary>
    public static Tensor Features(Tensor clips)
    {
        Modules.VideoShape.Check(clips, "ShapeStatistics.Features");
        if (clips.shape[1] < 2) throw new ArgumentException($"ShapeStatistics.Features needs clips of at least 2 frames, got {Modules.VideoShape.Format(clips.shape)}.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = clips.detach().cpu().to(ScalarType.Float64);                                       // (N, T, C, H, W)
        var brightest = x.amax([2]);                                                                // (N, T, H, W)
        var faintest = x.amin([2]);
        var dark = brightest.lt(DarkBelow).to(ScalarType.Float64).mean([1, 2, 3]);                  // (N)
        var lit = brightest.ge(LitFrom).to(ScalarType.Float64);                                     // (N, T, H, W)
        var saturation = ((brightest - faintest) / brightest.clamp_min(1e-9) * lit).sum([1, 2, 3]) / lit.sum([1, 2, 3]).clamp_min(1);
        var sameRight = (x.narrow(4, 1, x.shape[4] - 1) - x.narrow(4, 0, x.shape[4] - 1)).abs().amax([2]).lt(SameColour);   // (N, T, H, W−1)
        var sameBelow = (x.narrow(3, 1, x.shape[3] - 1) - x.narrow(3, 0, x.shape[3] - 1)).abs().amax([2]).lt(SameColour);   // (N, T, H−1, W)
        long h = x.shape[3] - 1, w = x.shape[4] - 1;
        var litInner = lit.narrow(2, 0, h).narrow(3, 0, w);                                          // (N, T, H−1, W−1)
        var flat = (sameRight.narrow(2, 0, h) & sameBelow.narrow(3, 0, w)).to(ScalarType.Float64);
        var flatFraction = (flat * litInner).sum([1, 2, 3]) / litInner.sum([1, 2, 3]).clamp_min(1);
        var change = (x.narrow(1, 1, x.shape[1] - 1) - x.narrow(1, 0, x.shape[1] - 1)).abs().mean([1, 2, 3, 4]);
        var frames = x.flatten(2);                                                                   // (N, T, C·H·W)
        var centred = frames - frames.mean([2], keepdim: true);
        var (a, b) = (centred.narrow(1, 1, centred.shape[1] - 1), centred.narrow(1, 0, centred.shape[1] - 1));
        var correlation = ((a * b).sum([2]) / ((a * a).sum([2]) * (b * b).sum([2]) + 1e-24).sqrt()).mean([1]);
        return stack([dark, saturation, flatFraction, change, correlation], 1).MoveToOuterDisposeScope();   // (N, 5)
    }

    /// <summary>
    /// The Fréchet distance between Gaussians fitted to the rows of <paramref name="a"/> <c>(Na, d)</c> and <paramref name="b"/>
    /// <c>(Nb, d)</c>: ‖μa − μb‖² + Tr(Σa + Σb − 2 (Σa Σb)^½), with sample covariances. The trace of the matrix square root is
    /// computed as Σ √λ over the eigenvalues of Σa^½ Σb Σa^½ (symmetric, so no complex arithmetic is needed).
    /// </summary>
    public static double FrechetDistance(Tensor a, Tensor b)
    {
        if (a.dim() != 2 || b.dim() != 2 || a.shape[1] != b.shape[1] || a.shape[0] < 2 || b.shape[0] < 2)
            throw new ArgumentException($"FrechetDistance needs two sets of at least 2 feature rows of the same width, got " +
                                        $"{Modules.VideoShape.Format(a.shape)} and {Modules.VideoShape.Format(b.shape)}.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (x, y) = (a.detach().cpu().to(ScalarType.Float64), b.detach().cpu().to(ScalarType.Float64));
        var (meanX, meanY) = (x.mean([0]), y.mean([0]));
        var covX = Covariance(x, meanX);
        var covY = Covariance(y, meanY);
        var (valuesX, vectorsX) = linalg.eigh(covX);
        var rootX = vectorsX.matmul(diag(valuesX.clamp_min(0).sqrt())).matmul(vectorsX.t());         // Σa^½
        var inner = rootX.matmul(covY).matmul(rootX);
        var traceRoot = linalg.eigvalsh((inner + inner.t()) / 2).clamp_min(0).sqrt().sum();
        var distance = (meanX - meanY).pow(2).sum() + covX.trace() + covY.trace() - 2 * traceRoot;
        return Math.Max(0, distance.item<double>());
    }

    static Tensor Covariance(Tensor rows, Tensor mean)
    {
        var centred = rows - mean;
        return centred.t().matmul(centred) / (rows.shape[0] - 1);
    }
}
