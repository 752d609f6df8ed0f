using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>Settings of <see cref="Conv3dPredictor"/>. OpenSTL has no such model; the default is a mid-sized one for 64×64.</summary>
/// <param name="Channels">Frame channels (Moving MNIST: 1).</param>
/// <param name="Height">Frame height (Moving MNIST: 64); a multiple of 2^Downsamples.</param>
/// <param name="Width">Frame width (Moving MNIST: 64); a multiple of 2^Downsamples.</param>
/// <param name="ContextFrames">T: frames in and out of one pass (10 → 10).</param>
/// <param name="Horizon">Frames predicted by forward; longer horizons roll out T at a time.</param>
/// <param name="BaseChannels">Channels after the stem; each downsampling doubles them.</param>
/// <param name="Downsamples">Spatial halvings in the encoder (time is never strided).</param>
/// <param name="ResidualBlocks">3D residual blocks at the bottleneck.</param>
public sealed record Conv3dPredictorConfig(
    int Channels = 1, int Height = 64, int Width = 64, int ContextFrames = 10, int Horizon = 10,
    int BaseChannels = 64, int Downsamples = 2, int ResidualBlocks = 2) : IPredictorConfig
{
    /// <summary>For tests and quick mode: 16×16, 4 → 4 frames, 8 base channels, 2 halvings, 1 residual block.</summary>
    public static Conv3dPredictorConfig Tiny => new(Height: 16, Width: 16, ContextFrames: 4, Horizon: 4,
                                                    BaseChannels: 8, Downsamples: 2, ResidualBlocks: 1);

    public IPredictorConfig WithData(int channels, int height, int width, int contextFrames, int horizon) =>
        this with { Channels = channels, Height = height, Width = width, ContextFrames = contextFrames, Horizon = horizon };
}

/// <summary>
/// A 3D-convolution encoder–decoder predictor, in the line of Tran et al. 2015 (C3D) and the 3D-conv
/// autoencoders of the video-prediction tutorials: the context is one volume <c>(C, T, H, W)</c>; 3×3×3
/// convolutions mix space and time together, strided (1, 2, 2) convolutions shrink space but keep time,
/// residual 3D blocks work at the bottleneck, and transposed convolutions grow space back. The output
/// volume is the next T frames (T → T like SimVP; longer horizons roll out T at a time, see
/// <see cref="Rollout.InWindows"/>). Teacher forcing does not apply.
/// </summary>
public sealed class Conv3dPredictor : PredictorModule
{
    readonly Sequential encoder;   // (B, C, T, H, W) → (B, top, T, H/2^d, W/2^d)
    readonly Sequential middle;    // residual blocks at the bottleneck
    readonly Sequential decoder;   // back to (B, C, T, H, W)

    public Conv3dPredictorConfig Config { get; }

    public Conv3dPredictor(Conv3dPredictorConfig config) : base(nameof(Conv3dPredictor), config)
    {
        int scale = 1 << config.Downsamples;
        if (config.Height % scale != 0 || config.Width % scale != 0 || config.BaseChannels % 2 != 0)
            throw new ArgumentException($"{nameof(Conv3dPredictor)}: the frame size {config.Height}×{config.Width} must be a " +
                                        $"multiple of 2^Downsamples = {scale} and BaseChannels even, got {config}.");
        Config = config;
        int c0 = config.BaseChannels, top = c0 << config.Downsamples;
        encoder = nn.Sequential(("stem", Block(config.Channels, c0, down: false)));
        for (int i = 0; i < config.Downsamples; i++)
            encoder.append($"down{i}", Block(c0 << i, c0 << (i + 1), down: true));
        middle = nn.Sequential();
        for (int i = 0; i < config.ResidualBlocks; i++)
            middle.append($"residual{i}", new Residual3d(top));
        decoder = nn.Sequential();
        for (int i = config.Downsamples; i > 0; i--)
            decoder.append($"up{i - 1}", nn.Sequential(
                nn.ConvTranspose3d(c0 << i, c0 << (i - 1), (3, 4, 4), stride: (1, 2, 2), padding: (1, 1, 1)),
                Norms.GroupNorm(2, c0 << (i - 1)), nn.LeakyReLU(0.2)));
        decoder.append("readout", nn.Conv3d(c0, config.Channels, 3, padding: 1));
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor Predict(Tensor context, int horizon, TeacherForcing? teacher = null)
    {
        CheckInputs(context, horizon, teacher);
        using var scope = NewDisposeScope();
        return Rollout.InWindows(context, horizon, Config.ContextFrames, OnePass).MoveToOuterDisposeScope();  // (B, horizon, C, H, W)
    }

    /// <summary>T frames → the next T frames.</summary>
    Tensor OnePass(Tensor frames)                                           // (B, T, C, H, W)
    {
        var volume = frames.transpose(1, 2);                                // (B, C, T, H, W)
        var code = middle.call(encoder.call(volume));                       // (B, top, T, H/2^d, W/2^d)
        return decoder.call(code).transpose(1, 2);                          // (B, T, C, H, W)
    }

    /// <summary>3×3×3 convolution → GroupNorm → LeakyReLU; <paramref name="down"/> halves H and W (stride (1, 2, 2)).</summary>
    static Sequential Block(int cIn, int cOut, bool down) => nn.Sequential(
        down ? nn.Conv3d(cIn, cOut, (3, 4, 4), stride: (1, 2, 2), padding: (1, 1, 1)) : nn.Conv3d(cIn, cOut, 3, padding: 1),
        Norms.GroupNorm(2, cOut), nn.LeakyReLU(0.2));

    /// <summary>x + (conv → norm → act → conv → norm)(x), all 3×3×3; <c>(B, C, T, H, W)</c> in and out.</summary>
    sealed class Residual3d : nn.Module<Tensor, Tensor>
    {
        readonly Sequential body;

        public Residual3d(int channels) : base(nameof(Residual3d))
        {
            body = nn.Sequential(nn.Conv3d(channels, channels, 3, padding: 1), Norms.GroupNorm(2, channels), nn.LeakyReLU(0.2),
                                 nn.Conv3d(channels, channels, 3, padding: 1), Norms.GroupNorm(2, channels));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => nn.functional.leaky_relu(x + body.call(x), 0.2);
    }
}
