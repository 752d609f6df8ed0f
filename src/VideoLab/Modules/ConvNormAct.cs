using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>Non-linearities the convolution blocks offer.</summary>
public enum Activation { SiLU, LeakyReLU, GELU, ReLU }

/// <summary>What a <see cref="ConvNormAct"/> does to the spatial size.</summary>
public enum Resample
{
    /// <summary>Same size ("same" padding, stride 1).</summary>
    None,
    /// <summary>Half the size: stride 2.</summary>
    Down,
    /// <summary>Twice the size: convolution to 4× the channels, then pixel shuffle (sub-pixel convolution, Shi et al. 2016), as OpenSTL's SimVP decoder.</summary>
    Up,
}

/// <summary>
/// The basic image block shared by the encoders and decoders: convolution → GroupNorm → activation,
/// optionally halving or doubling the size. With the defaults (3×3, 2 groups, SiLU) it is OpenSTL's
/// <c>ConvSC</c> of SimVP. Shared by the predictors and generators; <c>(B, Cin, H, W) → (B, Cout, H', W')</c>.
/// </summary>
public sealed class ConvNormAct : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv;
    readonly GroupNorm norm;
    readonly nn.Module<Tensor, Tensor> act;
    readonly Resample resample;

    public ConvNormAct(string name, int inChannels, int outChannels, int kernelSize = 3, Resample resample = Resample.None,
                       Activation activation = Activation.SiLU, int groups = 2) : base(name)
    {
        if (outChannels % groups != 0)
            throw new ArgumentException($"{name}: {outChannels} output channels cannot be split into {groups} GroupNorm groups; use a multiple of {groups}.");
        this.resample = resample;
        int stride = resample == Resample.Down ? 2 : 1;
        int padding = (kernelSize - stride + 1) / 2;
        int convOut = resample == Resample.Up ? 4 * outChannels : outChannels;
        conv = nn.Conv2d(inChannels, convOut, kernelSize, stride: stride, padding: padding);
        norm = Norms.GroupNorm(groups, outChannels);
        act = Make(activation);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = conv.call(x);                                                                // (B, Cout or 4·Cout, H', W')
        if (resample == Resample.Up) y = nn.functional.pixel_shuffle(y, 2);                  // (B, Cout, 2H, 2W)
        return act.call(norm.call(y));
    }

    /// <summary>The activation module for <paramref name="activation"/> (LeakyReLU with slope 0.2, as GANs use).</summary>
    public static nn.Module<Tensor, Tensor> Make(Activation activation) => activation switch
    {
        Activation.SiLU => nn.SiLU(),
        Activation.LeakyReLU => nn.LeakyReLU(0.2),
        Activation.GELU => nn.GELU(),
        Activation.ReLU => nn.ReLU(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };
}

/// <summary>
/// A residual block of two <see cref="ConvNormAct"/>s (He et al. 2016, pre-activation order not used):
/// <c>x + f(x)</c>, with a 1×1 projection on the shortcut when the channels change. Same spatial size.
/// </summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    readonly ConvNormAct first;
    readonly ConvNormAct second;
    readonly nn.Module<Tensor, Tensor> shortcut;

    public ResidualBlock(string name, int inChannels, int outChannels, Activation activation = Activation.SiLU, int groups = 2) : base(name)
    {
        first = new ConvNormAct("first", inChannels, outChannels, 3, Resample.None, activation, groups);
        second = new ConvNormAct("second", outChannels, outChannels, 3, Resample.None, activation, groups);
        shortcut = inChannels == outChannels ? nn.Identity() : nn.Conv2d(inChannels, outChannels, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => shortcut.call(x) + second.call(first.call(x));  // (B, Cout, H, W)
}
