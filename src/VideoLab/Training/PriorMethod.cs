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
public sealed class PriorMethod : ITrainingMethod, ISampleMethod
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
        optimizer = settings.CreateOptimizer(prior.parameters(), OptimizerKind.AdamW);
        Modules = new Dictionary<string, nn.Module> { ["model"] = prior };
        Optimizers = new Dictionary<string, optim.Optimizer> { ["model"] = optimizer };
    }

    /// <summary>
    /// Loads the VQ-VAE named by the <c>vqvae</c> option onto the prior's device: a run directory or checkpoint
    /// of a trained <c>vqvae</c> run (see <see cref="RunFiles.ResolveCheckpoint"/>), or a file written by
    /// <see cref="VqVae.Save"/> (weights, with the config in <c>.json</c> beside it).
    /// </summary>
    public static PriorMethod FromSettings(CodePrior prior, MethodSettings settings)
    {
        var path = settings.Option(VqVaeOption)
                   ?? throw new ArgumentException(
                       $"Training 'vqvae-prior' needs a trained VQ-VAE: pass the run directory or checkpoint of a 'vqvae' run " +
                       $"(or a file written by VqVae.Save) as the method option '{VqVaeOption}'.");
        var device = prior.parameters().FirstOrDefault()?.device ?? Lab.Device;
        return new PriorMethod(prior, LoadVqVae(path, device), settings);
    }

    /// <summary>A trained VQ-VAE from a <c>vqvae</c> run (directory or checkpoint) or from <see cref="VqVae.Save"/>'s file.</summary>
    public static VqVae LoadVqVae(string path, Device device)
    {
        if (File.Exists(path) && File.Exists(path + ".json")) return VqVae.Load(path, device);
        var (spec, model) = Checkpoint.LoadModel(RunFiles.ResolveCheckpoint(path), device);
        if (model is VqVae vqvae) return vqvae;
        model.Dispose();
        throw new ArgumentException($"The checkpoint at '{path}' holds a '{spec.Name}' model, not a VQ-VAE; the prior needs a trained 'vqvae' run.");
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
    /// Clips to look at (in eval mode under no_grad, see <see cref="ISampleMethod"/>):
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
