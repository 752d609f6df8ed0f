using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// The residual block of the VQ-VAE's encoder and decoder (van den Oord et al. 2017, as VideoGPT
/// builds it for video): x + Conv1³(ReLU(BN(Conv3³(ReLU(BN(x)))))), channels and size unchanged,
/// <c>(B, C, T, H, W)</c> → <c>(B, C, T, H, W)</c>. The inner convolution has half the channels.
/// </summary>
public sealed class ResBlock3d : nn.Module<Tensor, Tensor>
{
    readonly BatchNorm3d norm1, norm2;
    readonly Conv3d conv1, conv2;

    public ResBlock3d(long channels) : base(nameof(ResBlock3d))
    {
        long inner = Math.Max(1, channels / 2);
        norm1 = nn.BatchNorm3d(channels);
        conv1 = nn.Conv3d(channels, inner, 3, padding: 1, bias: false);
        norm2 = nn.BatchNorm3d(inner);
        conv2 = nn.Conv3d(inner, channels, 1, bias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var h = conv1.call(nn.functional.relu(norm1.call(x)));                // (B, C/2, T, H, W)
        h = conv2.call(nn.functional.relu(norm2.call(h)));                    // (B, C, T, H, W)
        return x + h;
    }
}
