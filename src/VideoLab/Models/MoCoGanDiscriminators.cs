using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>
/// MoCoGAN's image discriminator D_I (Tulyakov et al. 2018): a DCGAN-style stack of stride-2
/// convolutions with leaky ReLU that scores single frames <c>(N, C, H, W)</c> → one logit per frame <c>(N)</c>.
/// Changed: batch norm is left out of the discriminators (spectral normalisation, when on, does its job,
/// and a D step then depends on no batch statistics).
/// </summary>
public sealed class MoCoGanImageDiscriminator : nn.Module<Tensor, Tensor>
{
    readonly Sequential layers;

    public MoCoGanImageDiscriminator(MoCoGanConfig config) : base(nameof(MoCoGanImageDiscriminator))
    {
        var list = new List<(string, nn.Module<Tensor, Tensor>)>();
        long inputs = config.Channels, width = config.DiscriminatorWidth;
        for (int i = 0; i < config.UpsamplingStages; i++)                      // H → H/2 → … → 4
        {
            list.Add(($"down{i}", Conv2d(config.SpectralNorm, inputs, width, 4, 2, 1)));
            list.Add(($"down{i}_act", nn.LeakyReLU(0.2)));
            inputs = width;
            width *= 2;
        }
        list.Add(("score", Conv2d(config.SpectralNorm, inputs, 1, 4, 1, 0)));   // 4×4 → 1×1
        layers = nn.Sequential(list);
        RegisterComponents();
    }

    static nn.Module<Tensor, Tensor> Conv2d(bool spectral, long inputs, long outputs, long kernel, long stride, long padding) =>
        spectral ? SpectralNormLayer.Conv2d(inputs, outputs, kernel, stride, padding)
                 : nn.Conv2d(inputs, outputs, kernel, stride: stride, padding: padding);

    public override Tensor forward(Tensor frames)
    {
        if (frames.dim() != 4)
            throw new ArgumentException($"MoCoGanImageDiscriminator: expected frames (N, C, H, W), got {VideoShape.Format(frames.shape)}.");
        return layers.call(frames).flatten();                                  // (N)
    }
}

/// <summary>
/// MoCoGAN's video discriminator D_V: 3D convolutions over a clip, one logit per clip <c>(B)</c>.
/// Changed from the paper: the temporal kernel is 3 with padding 1 (the paper uses 4 without padding,
/// which fixes the clip length), and the last layer's per-time scores are averaged, so any clip
/// length is accepted.
/// </summary>
public sealed class MoCoGanVideoDiscriminator : nn.Module<Tensor, Tensor>
{
    readonly Sequential layers;

    public MoCoGanVideoDiscriminator(MoCoGanConfig config) : base(nameof(MoCoGanVideoDiscriminator))
    {
        var list = new List<(string, nn.Module<Tensor, Tensor>)>();
        long inputs = config.Channels, width = config.DiscriminatorWidth;
        for (int i = 0; i < config.UpsamplingStages; i++)                      // (T, H, W) → (T, H/2, W/2) → … → (T, 4, 4)
        {
            list.Add(($"down{i}", Conv3d(config.SpectralNorm, inputs, width, (3, 4, 4), (1, 2, 2), (1, 1, 1))));
            list.Add(($"down{i}_act", nn.LeakyReLU(0.2)));
            inputs = width;
            width *= 2;
        }
        list.Add(("score", Conv3d(config.SpectralNorm, inputs, 1, (1, 4, 4), (1, 1, 1), (0, 0, 0))));  // (T, 4, 4) → (T, 1, 1)
        layers = nn.Sequential(list);
        RegisterComponents();
    }

    static nn.Module<Tensor, Tensor> Conv3d(bool spectral, long inputs, long outputs, (long, long, long) kernel, (long, long, long) stride, (long, long, long) padding) =>
        spectral ? SpectralNormLayer.Conv3d(inputs, outputs, kernel, stride, padding)
                 : nn.Conv3d(inputs, outputs, kernel, stride: stride, padding: padding);

    public override Tensor forward(Tensor clips)
    {
        VideoShape.Check(clips, "MoCoGanVideoDiscriminator");
        var scores = layers.call(clips.permute(0, 2, 1, 3, 4));               // (B, C, T, H, W) → (B, 1, T, 1, 1)
        return scores.flatten(1).mean([1]);                                    // (B)
    }
}
