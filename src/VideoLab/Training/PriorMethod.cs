using TorchSharp;
using VideoLab.Models;
using VideoLab.Runtime;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>
/// Trains a <see cref="CodePrior"/> on the codes of a trained, frozen <see cref="VqVae"/> (the second
/// stage of VQ-VAE / VideoGPT): each batch is encoded to codes (eval mode, no gradient, no codebook
/// update) and the prior minimises the cross-entropy of each code given the ones before it (AdamW).
/// The VQ-VAE is not among <see cref="Modules"/>: the trainer must not switch it to training mode
/// (that would move its batch-norm statistics and codebook), nor checkpoint it as part of this run.
/// </summary>
public sealed class PriorMethod : ITrainingMethod
{
    /// <summary>The <see cref="MethodSettings.Options"/> key naming the VQ-VAE checkpoint (written by <see cref="VqVae.Save"/>).</summary>
    public const string VqVaeOption = "vqvae";

    readonly CodePrior prior;
    readonly VqVae vqvae;
    readonly optim.Optimizer optimizer;

    /// <summary>Trains <paramref name="prior"/> on the codes of <paramref name="vqvae"/> (e.g. one trained in the same notebook, or in a test).</summary>
    public PriorMethod(CodePrior prior, VqVae vqvae, MethodSettings settings)
    {
        if (vqvae.Config.CodebookSize != prior.Config.CodebookSize)
            throw new ArgumentException(
                $"PriorMethod: the prior models {prior.Config.CodebookSize} codes but the VQ-VAE has {vqvae.Config.CodebookSize}; " +
                "set CodePriorConfig.CodebookSize to the VQ-VAE's.");
        var (v, c) = (vqvae.Config, prior.Config);
        if ((v.DownsampleT, v.DownsampleH, v.DownsampleW) != (c.DownsampleT, c.DownsampleH, c.DownsampleW))
            throw new ArgumentException(
                $"PriorMethod: the prior assumes downsampling ({c.DownsampleT}, {c.DownsampleH}, {c.DownsampleW}) but the VQ-VAE does " +
                $"({v.DownsampleT}, {v.DownsampleH}, {v.DownsampleW}); set CodePriorConfig's Downsample* to the VQ-VAE's.");
        this.prior = prior;
        this.vqvae = vqvae;
        vqvae.eval();
        foreach (var p in vqvae.parameters()) p.requires_grad = false;
        optimizer = optim.AdamW(prior.parameters(), settings.LearningRate, weight_decay: settings.WeightDecay);
        Modules = new Dictionary<string, nn.Module> { ["prior"] = prior };
        Optimizers = new Dictionary<string, optim.Optimizer> { ["prior"] = optimizer };
    }

    /// <summary>Loads the VQ-VAE named by the <c>vqvae</c> option (see <see cref="VqVae.Load"/>) onto the prior's device.</summary>
    public static PriorMethod FromSettings(CodePrior prior, MethodSettings settings)
    {
        var path = settings.Option(VqVaeOption)
                   ?? throw new ArgumentException(
                       $"Training 'vqvae-prior' needs a trained VQ-VAE: pass its checkpoint as the method option '{VqVaeOption}' " +
                       "(the file written by VqVae.Save; its config is read from the .json beside it).");
        var device = prior.parameters().FirstOrDefault()?.device ?? Lab.Device;
        return new PriorMethod(prior, VqVae.Load(path, device), settings);
    }

    public IReadOnlyDictionary<string, nn.Module> Modules { get; }
    public IReadOnlyDictionary<string, optim.Optimizer> Optimizers { get; }

    /// <summary>The frozen VQ-VAE whose codes the prior learns.</summary>
    public VqVae VqVae => vqvae;

    public IReadOnlyDictionary<string, double> TrainStep(Tensor batch, StepContext context)
    {
        var loss = prior.Loss(Codes(batch));
        optimizer.zero_grad();
        loss.backward();
        context.ClipAndStep(optimizer, prior.parameters());
        return Metrics(loss);
    }

    public IReadOnlyDictionary<string, double> Evaluate(Tensor batch) => Metrics(prior.Loss(Codes(batch)));

    /// <summary>The batch's codes <c>(B, t, h, w)</c>, checked against the prior's grid.</summary>
    public Tensor Codes(Tensor batch)
    {
        vqvae.eval();  // whatever mode the trainer set, the first stage stays frozen
        Tensor codes;
        using (no_grad()) codes = vqvae.Encode(batch);                        // (B, t, h, w)
        var c = prior.Config;
        if (codes.shape[1] != c.GridFrames || codes.shape[2] != c.GridHeight || codes.shape[3] != c.GridWidth)
            throw new ArgumentException(
                $"PriorMethod: the VQ-VAE turns these clips {VideoLab.Modules.VideoShape.Format(batch.shape)} into a code grid {VideoLab.Modules.VideoShape.Format(codes.shape[1..])}, " +
                $"but the prior models a grid ({c.GridFrames}, {c.GridHeight}, {c.GridWidth}). Set CodePriorConfig's Grid* to match the data.");
        return codes;
    }

    /// <summary>
    /// Clips to look at (the trainer's <c>ISampleMethod</c> contract, in eval mode under no_grad):
    /// <c>reconstruction</c> (what the VQ-VAE makes of the batch, the prior's ceiling), <c>continued</c>
    /// (the first half of the latent frames kept, the rest sampled) and <c>sampled</c> (new clips).
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Samples(Tensor batch)
    {
        var clips = batch[..Math.Min(4, (int)batch.shape[0])];
        var codes = Codes(clips);                                              // (N, t, h, w)
        int keep = Math.Max(1, prior.Config.GridFrames / 2);
        var continued = prior.Sample((int)clips.shape[0], seed: 0, prefix: codes[.., ..keep]);
        return new Dictionary<string, Tensor>
        {
            ["reconstruction"] = vqvae.Decode(codes),
            ["continued"] = vqvae.Decode(continued),
            ["sampled"] = vqvae.Decode(prior.Sample((int)clips.shape[0], seed: 0)),
        };
    }

    static Dictionary<string, double> Metrics(Tensor loss)
    {
        double nats = loss.item<float>();
        return new Dictionary<string, double> { ["loss"] = nats, ["bits_per_code"] = nats / Math.Log(2) };
    }
}
