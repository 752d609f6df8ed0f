using VideoLab.Models;
using static TorchSharp.torch;

namespace VideoLab.Tutorials;

/// <summary>Walks through a generator's latent space (White 2016, "Sampling Generative Networks").</summary>
public static class Latents
{
    /// <summary>
    /// Spherical interpolation between <paramref name="a"/> and <paramref name="b"/> (vectors of one length):
    /// sin((1−α)Ω)/sin Ω · a + sin(αΩ)/sin Ω · b with cos Ω = a·b / (|a| |b|); linear when the two are (nearly) parallel.
    /// </summary>
    public static Tensor Slerp(Tensor a, Tensor b, double alpha)
    {
        using var scope = NewDisposeScope();
        double cos = (a.dot(b) / (a.norm() * b.norm())).item<float>();
        double omega = Math.Acos(Math.Clamp(cos, -1.0, 1.0));
        if (Math.Sin(omega) < 1e-6) return Lerp(a, b, alpha).MoveToOuterDisposeScope();
        return (a * (Math.Sin((1 - alpha) * omega) / Math.Sin(omega)) + b * (Math.Sin(alpha * omega) / Math.Sin(omega))).MoveToOuterDisposeScope();
    }

    /// <summary>Linear interpolation (1−α)·a + α·b.</summary>
    public static Tensor Lerp(Tensor a, Tensor b, double alpha) => a * (1 - alpha) + b * alpha;

    /// <summary>
    /// MoCoGAN clips whose content code walks from <paramref name="contentA"/> to <paramref name="contentB"/> in <paramref name="steps"/>
    /// equal steps of α (spherically or linearly), all under one motion drawn from <paramref name="motionSeed"/>: <c>(steps, T, C, H, W)</c>.
    /// </summary>
    public static Tensor InterpolateContent(MoCoGan gan, Tensor contentA, Tensor contentB, int steps, bool spherical, long motionSeed = 0)
    {
        if (steps < 2) throw new ArgumentException($"InterpolateContent needs at least 2 steps; got {steps}.");
        var device = gan.Generator.parameters().First().device;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var g = new Generator(unchecked((ulong)motionSeed), device);
        var latents = gan.Generator.DrawLatents(1, gan.Config.Frames, g);
        var (a, b) = (contentA.to(device), contentB.to(device));
        var content = stack(Enumerable.Range(0, steps).Select(i =>
            spherical ? Slerp(a, b, i / (double)(steps - 1)) : Lerp(a, b, i / (double)(steps - 1))).ToArray());  // (steps, Dc)
        var start = latents.MotionStart.expand(steps, gan.Config.MotionDim);                                     // (steps, Dm)
        var noise = latents.MotionNoise.expand(steps, gan.Config.Frames, gan.Config.NoiseDim);                   // (steps, T, De)
        return gan.Generator.call(new MoCoGanLatents(content, start, noise)).MoveToOuterDisposeScope();
    }
}
