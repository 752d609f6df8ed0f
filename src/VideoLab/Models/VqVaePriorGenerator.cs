using TorchSharp;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>
/// The two-stage video generator of VideoGPT (Yan et al. 2021): a <see cref="CodePrior"/> samples a code
/// grid and a trained <see cref="VqVae"/> decodes it into a clip. Also continues real clips: their first
/// frames are encoded and used as the prior's prefix.
/// </summary>
public sealed class VqVaePriorGenerator : nn.Module, IVideoGenerator
{
    readonly VqVae vqvae;
    readonly CodePrior prior;

    public VqVaePriorGenerator(VqVae vqvae, CodePrior prior) : base(nameof(VqVaePriorGenerator))
    {
        if (vqvae.Config.CodebookSize != prior.Config.CodebookSize)
            throw new ArgumentException($"VqVaePriorGenerator: the prior models {prior.Config.CodebookSize} codes but the VQ-VAE has {vqvae.Config.CodebookSize}.");
        this.vqvae = vqvae;
        this.prior = prior;
        RegisterComponents();
    }

    public VqVae VqVae => vqvae;
    public CodePrior Prior => prior;

    /// <summary>Samples <paramref name="count"/> clips <c>(count, T, C, H, W)</c> in [0, 1] at temperature 1 without top-k.</summary>
    public Tensor Sample(int count, long seed) => Sample(count, seed, 1.0, null);

    /// <summary>Samples clips with a temperature and top-k (see <see cref="CodePrior.Sample"/>).</summary>
    public Tensor Sample(int count, long seed, double temperature, int? topK)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var codes = prior.Sample(count, seed, temperature, topK);              // (count, t, h, w)
        return vqvae.Decode(codes).MoveToOuterDisposeScope();                 // (count, T, C, H, W)
    }

    /// <summary>
    /// Continues real clips: the codes of their first <paramref name="contextFrames"/> frames (a multiple of
    /// the VQ-VAE's temporal factor) are the prefix, the rest is sampled, and the whole grid is decoded:
    /// <c>(B, T, C, H, W)</c>, where T is the prior's full length. The first frames are the VQ-VAE's
    /// reconstruction of the context, not the context itself.
    /// </summary>
    public Tensor Continue(Tensor clips, int contextFrames, long seed, double temperature = 1.0, int? topK = null)
    {
        VideoShape.Check(clips, "VqVaePriorGenerator.Continue", vqvae.Config.Channels);
        if (contextFrames < vqvae.Config.DownsampleT || contextFrames % vqvae.Config.DownsampleT != 0 || contextFrames > clips.shape[1])
            throw new ArgumentException(
                $"VqVaePriorGenerator.Continue: contextFrames must be a positive multiple of {vqvae.Config.DownsampleT} and at most the clip length {clips.shape[1]}; got {contextFrames}.");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var codes = vqvae.Encode(clips[.., ..contextFrames]);                 // (B, t0, h, w)
        var all = prior.Sample((int)clips.shape[0], seed, temperature, topK, prefix: codes);  // (B, t, h, w)
        return vqvae.Decode(all).MoveToOuterDisposeScope();                  // (B, T, C, H, W)
    }
}
