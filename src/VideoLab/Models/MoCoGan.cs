using TorchSharp;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>The adversarial loss of a GAN.</summary>
public enum GanLoss
{
    /// <summary>Non-saturating loss (Goodfellow et al. 2014): D minimises softplus(−D(x)) + softplus(D(G(z))), G minimises softplus(−D(G(z))).</summary>
    NonSaturating,
    /// <summary>Hinge loss (Lim &amp; Ye 2017; Miyato et al. 2018): D minimises relu(1 − D(x)) + relu(1 + D(G(z))), G minimises −D(G(z)).</summary>
    Hinge,
}

/// <summary>Configuration of <see cref="MoCoGan"/>. Defaults follow the paper's 64×64 setting.</summary>
public sealed record MoCoGanConfig(
    int Channels = 1,               // frame channels (1: Moving MNIST; 3: colour)
    int ImageSize = 64,             // frame height = width: 4·2^k, at least 8
    int Frames = 16,                // frames per sampled clip (the paper trains on 16)
    int ContentDim = 50,            // z_C, fixed for a clip (paper: 50)
    int MotionDim = 10,             // z_M(t), the GRU's hidden size (paper: 10)
    int NoiseDim = 10,              // ε_t, the GRU's input each frame (paper: 10)
    int GeneratorWidth = 64,        // channels of the generator's last hidden layer; ×2 per stage towards 4×4
    int DiscriminatorWidth = 64,    // channels of both discriminators' first layer; ×2 per stage
    GanLoss Loss = GanLoss.NonSaturating,  // adversarial loss for both discriminators
    bool SpectralNorm = true)       // spectral normalisation in both discriminators (the paper has none; it steadies training)
{
    /// <summary>Stride-2 stages between 4×4 and the frame size.</summary>
    public int UpsamplingStages
    {
        get
        {
            int stages = 0;
            for (int s = 4; s < ImageSize; s *= 2) stages++;
            if (ImageSize < 8 || 4 << stages != ImageSize)
                throw new ArgumentException($"MoCoGanConfig.ImageSize must be 4·2^k and at least 8 (8, 16, 32, 64, …); got {ImageSize}.");
            return stages;
        }
    }
}

/// <summary>
/// MoCoGAN (Tulyakov et al. 2018, "MoCoGAN: Decomposing Motion and Content for Video Generation"):
/// a video is a content code z_C fixed per clip and a trajectory of motion codes z_M(t) produced by a
/// GRU; an image generator renders each frame from [z_C, z_M(t)]. Two discriminators: D_I judges single
/// frames (content), D_V judges whole clips with 3D convolutions (motion). This module holds all three
/// networks; <see cref="Training.GanMethod"/> trains them. See the part files for what was kept/changed.
/// Because content and motion are separate inputs, the same content can be animated with different
/// motions (<see cref="SampleFixedContent"/>) and contents can be interpolated under one motion
/// (<see cref="Interpolate"/>).
/// </summary>
public sealed class MoCoGan : nn.Module, IVideoGenerator
{
    public MoCoGanConfig Config { get; }
    public MoCoGanGenerator Generator => generator;
    public MoCoGanImageDiscriminator ImageDiscriminator => imageDiscriminator;
    public MoCoGanVideoDiscriminator VideoDiscriminator => videoDiscriminator;

    readonly MoCoGanGenerator generator;
    readonly MoCoGanImageDiscriminator imageDiscriminator;
    readonly MoCoGanVideoDiscriminator videoDiscriminator;

    public MoCoGan(MoCoGanConfig config) : base(nameof(MoCoGan))
    {
        if (config.Channels < 1 || config.Frames < 1 || config.ContentDim < 1 || config.MotionDim < 1 || config.NoiseDim < 1)
            throw new ArgumentException($"MoCoGanConfig: channels, frames and code sizes must be positive; got {config}.");
        _ = config.UpsamplingStages;  // validates ImageSize
        Config = config;
        generator = new MoCoGanGenerator(config);
        imageDiscriminator = new MoCoGanImageDiscriminator(config);
        videoDiscriminator = new MoCoGanVideoDiscriminator(config);
        RegisterComponents();
    }

    Device Device => generator.parameters().First().device;

    /// <summary>Samples <paramref name="count"/> clips of <see cref="MoCoGanConfig.Frames"/> frames <c>(count, T, C, H, W)</c>; the same seed gives the same clips.</summary>
    public Tensor Sample(int count, long seed) => Sample(count, seed, Config.Frames);

    /// <summary>Samples clips of any length (the GRU runs on for longer clips).</summary>
    public Tensor Sample(int count, long seed, int frames)
    {
        Positive(count, nameof(count));
        Positive(frames, nameof(frames));
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var g = new torch.Generator(unchecked((ulong)seed), Device);
        return generator.call(generator.DrawLatents(count, frames, g)).MoveToOuterDisposeScope();
    }

    /// <summary>One content code, <paramref name="count"/> different motions: the same "thing" moving in different ways.</summary>
    public Tensor SampleFixedContent(int count, long seed)
    {
        Positive(count, nameof(count));
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var g = new torch.Generator(unchecked((ulong)seed), Device);
        var latents = generator.DrawLatents(count, Config.Frames, g);
        var content = latents.Content[..1].expand(count, Config.ContentDim);  // (count, Dc), all equal
        return generator.call(latents with { Content = content }).MoveToOuterDisposeScope();
    }

    /// <summary>One motion, <paramref name="count"/> different content codes: different "things" moving the same way.</summary>
    public Tensor SampleFixedMotion(int count, long seed)
    {
        Positive(count, nameof(count));
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var g = new torch.Generator(unchecked((ulong)seed), Device);
        var latents = generator.DrawLatents(count, Config.Frames, g);
        var start = latents.MotionStart[..1].expand(count, Config.MotionDim);         // (count, Dm)
        var noise = latents.MotionNoise[..1].expand(count, Config.Frames, Config.NoiseDim);  // (count, T, De)
        return generator.call(new MoCoGanLatents(latents.Content, start, noise)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Clips whose content code moves linearly from <paramref name="contentA"/> to <paramref name="contentB"/>
    /// (each <c>(ContentDim)</c>) in <paramref name="steps"/> steps, all under one motion drawn from
    /// <paramref name="motionSeed"/>: <c>(steps, T, C, H, W)</c>.
    /// </summary>
    public Tensor Interpolate(Tensor contentA, Tensor contentB, int steps, long motionSeed = 0)
    {
        if (steps < 2) throw new ArgumentException($"Interpolate needs at least 2 steps; got {steps}.");
        foreach (var c in new[] { contentA, contentB })
            if (c.dim() != 1 || c.shape[0] != Config.ContentDim)
                throw new ArgumentException($"Interpolate: expected content codes of shape ({Config.ContentDim}), got {VideoShape.Format(c.shape)}.");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var g = new torch.Generator(unchecked((ulong)motionSeed), Device);
        var latents = generator.DrawLatents(1, Config.Frames, g);
        var alpha = linspace(0, 1, steps, device: Device).unsqueeze(1);                 // (steps, 1)
        var content = contentA.to(Device).unsqueeze(0) * (1 - alpha) + contentB.to(Device).unsqueeze(0) * alpha;  // (steps, Dc)
        var start = latents.MotionStart.expand(steps, Config.MotionDim);               // (steps, Dm)
        var noise = latents.MotionNoise.expand(steps, Config.Frames, Config.NoiseDim);  // (steps, T, De)
        return generator.call(new MoCoGanLatents(content, start, noise)).MoveToOuterDisposeScope();
    }

    /// <summary>A content code drawn from the prior with <paramref name="seed"/>: <c>(ContentDim)</c>, for <see cref="Interpolate"/>.</summary>
    public Tensor DrawContent(long seed)
    {
        using var g = new torch.Generator(unchecked((ulong)seed), Device);
        return randn([Config.ContentDim], device: Device, generator: g);
    }

    static void Positive(int value, string name)
    {
        if (value < 1) throw new ArgumentException($"MoCoGan: {name} must be positive; got {value}.");
    }
}
