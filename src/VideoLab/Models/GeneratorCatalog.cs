using VideoLab.Training;

namespace VideoLab.Models;

/// <summary>
/// The generative models of the registry: MoCoGAN, the video VQ-VAE and its code prior. Defaults are the
/// sizes for Moving-MNIST-like data (64×64); tiny configs are for tests, quick mode and CPU tutorials.
/// Data-dependent fields (<c>channels</c>, <c>imageSize</c>, <c>frames</c>, <c>height</c>, <c>width</c>)
/// are set from the clips by whoever builds the model.
/// </summary>
public static partial class ModelRegistry
{
    /// <summary>MoCoGAN small enough for a CPU test: 16×16 frames, 8-channel networks.</summary>
    public static readonly MoCoGanConfig TinyMoCoGan = new(ImageSize: 16, Frames: 8, ContentDim: 16, MotionDim: 8, NoiseDim: 8,
                                                           GeneratorWidth: 16, DiscriminatorWidth: 16);

    /// <summary>VQ-VAE small enough for a CPU test: 16 hidden channels, 32 codes of size 16.</summary>
    public static readonly VqVaeConfig TinyVqVae = new(Hidden: 16, ResBlocks: 1, EmbeddingDim: 16, CodebookSize: 32);

    /// <summary>A prior for <see cref="TinyVqVae"/> on 8-frame 16×16 clips (4×4×4 = 64 codes): 2 blocks of width 64.</summary>
    public static readonly CodePriorConfig TinyCodePrior = new(CodebookSize: 32, Frames: 8, Height: 16, Width: 16,
                                                               Layers: 2, Heads: 2, Embedding: 64, Dropout: 0);

    static partial void AddGenerators(List<ModelEntry> into)
    {
        into.Add(ModelEntry.Create("mocogan", ModelFamily.Gan,
            "MoCoGAN (Tulyakov et al. 2018): content code + GRU motion codes, image and video discriminators",
            new MoCoGanConfig(), TinyMoCoGan, c => new MoCoGan(c),
            (model, settings) => new GanMethod((MoCoGan)model, settings)));
        into.Add(ModelEntry.Create("vqvae", ModelFamily.VqVae,
            "Video VQ-VAE (van den Oord et al. 2017; VideoGPT's 3D-conv encoder/decoder, EMA codebook)",
            new VqVaeConfig(), TinyVqVae, c => new VqVae(c),
            (model, settings) => new VqVaeMethod((VqVae)model, settings)));
        into.Add(ModelEntry.Create("vqvae-prior", ModelFamily.VqVae,
            "GPT prior over VQ-VAE codes (VideoGPT, Yan et al. 2021); needs a trained VQ-VAE (method option 'vqvae')",
            new CodePriorConfig(), TinyCodePrior, c => new CodePrior(c),
            (model, settings) => PriorMethod.FromSettings((CodePrior)model, settings)));
    }
}
