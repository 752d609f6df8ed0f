using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>
/// The latent codes of a batch of MoCoGAN clips: the content code <c>(B, ContentDim)</c>, fixed for a
/// whole clip; the GRU's initial state <c>(B, MotionDim)</c>; and the noise it reads each frame
/// <c>(B, T, NoiseDim)</c>. Together they determine a clip exactly.
/// </summary>
public sealed record MoCoGanLatents(Tensor Content, Tensor MotionStart, Tensor MotionNoise);

/// <summary>
/// MoCoGAN's generator (Tulyakov et al. 2018, "MoCoGAN: Decomposing Motion and Content for Video
/// Generation"): a GRU turns per-frame noise ε_t into a motion code z_M(t); each frame is rendered from
/// [z_C, z_M(t)] by a DCGAN-style image generator (transposed convolutions 1→4→8→… with batch norm and
/// ReLU). Kept: the content/motion split, the GRU motion path with a random initial state, the image
/// generator shape. Changed: the output is a sigmoid (values in [0, 1], VideoLab's layout) instead of tanh.
/// </summary>
public sealed class MoCoGanGenerator : nn.Module<MoCoGanLatents, Tensor>
{
    readonly GRUCell motion;
    readonly Sequential image;
    readonly MoCoGanConfig config;

    public MoCoGanGenerator(MoCoGanConfig config) : base(nameof(MoCoGanGenerator))
    {
        this.config = config;
        motion = nn.GRUCell(config.NoiseDim, config.MotionDim);
        int stages = config.UpsamplingStages;
        long width = (long)config.GeneratorWidth << (stages - 1);  // channels at 4×4, halving per stage
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            // (N, Dc+Dm, 1, 1) → (N, width, 4, 4)
            ("project", nn.ConvTranspose2d(config.ContentDim + config.MotionDim, width, 4, stride: 1, padding: 0, bias: false)),
            ("project_norm", nn.BatchNorm2d(width)),
            ("project_relu", nn.ReLU()),
        };
        for (int i = 0; i < stages; i++)
        {
            bool last = i == stages - 1;
            long outputs = last ? config.Channels : width / 2;
            layers.Add(($"up{i}", nn.ConvTranspose2d(width, outputs, 4, stride: 2, padding: 1, bias: last)));  // doubles H, W
            if (!last)
            {
                layers.Add(($"up{i}_norm", nn.BatchNorm2d(outputs)));
                layers.Add(($"up{i}_relu", nn.ReLU()));
            }
            width = outputs;
        }
        layers.Add(("to_unit", nn.Sigmoid()));
        image = nn.Sequential(layers);
        RegisterComponents();
    }

    /// <summary>Draws latents for <paramref name="count"/> clips of <paramref name="frames"/> frames (standard normal), from <paramref name="generator"/> or torch's global one.</summary>
    public MoCoGanLatents DrawLatents(int count, int frames, torch.Generator? generator = null)
    {
        var device = motion.weight_ih!.device;
        return new MoCoGanLatents(
            randn([count, config.ContentDim], device: device, generator: generator),
            randn([count, config.MotionDim], device: device, generator: generator),
            randn([count, frames, config.NoiseDim], device: device, generator: generator));
    }

    /// <summary>The motion codes z_M(1..T): the GRU run over the noise. <c>(B, T, MotionDim)</c>.</summary>
    public Tensor MotionCodes(Tensor motionStart, Tensor motionNoise)
    {
        var h = motionStart;                                                   // (B, Dm)
        var codes = new List<Tensor>();
        for (long t = 0; t < motionNoise.shape[1]; t++)
        {
            h = motion.call(motionNoise.select(1, t), h);                     // (B, Dm)
            codes.Add(h);
        }
        return stack(codes, 1);                                                // (B, T, Dm)
    }

    /// <summary>Renders the clips the latents describe: <c>(B, T, C, H, W)</c> in [0, 1].</summary>
    public override Tensor forward(MoCoGanLatents latents)
    {
        var (content, start, noise) = latents;
        long b = content.shape[0], t = noise.shape[1];
        if (content.shape[1] != config.ContentDim || start.shape[1] != config.MotionDim || noise.shape[2] != config.NoiseDim)
            throw new ArgumentException(
                $"MoCoGanGenerator: expected latents (B, {config.ContentDim}), (B, {config.MotionDim}), (B, T, {config.NoiseDim}); " +
                $"got {VideoShape.Format(content.shape)}, {VideoShape.Format(start.shape)}, {VideoShape.Format(noise.shape)}. Use DrawLatents.");
        var motionCodes = MotionCodes(start, noise);                           // (B, T, Dm)
        var contentCodes = content.unsqueeze(1).expand(b, t, config.ContentDim);  // (B, T, Dc)
        var z = cat([contentCodes, motionCodes], 2);                           // (B, T, Dc+Dm)
        var frames = image.call(VideoShape.FoldTime(z)[.., .., TensorIndex.None, TensorIndex.None]);  // (B*T, C, H, W)
        return VideoShape.UnfoldTime(frames, b);                               // (B, T, C, H, W)
    }
}
