using TorchSharp;
using VideoLab.Models;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>
/// Trains a <see cref="VqVae"/> (van den Oord et al. 2017): minimises reconstruction MSE + β·commitment
/// with AdamW; the codebook itself is learned by the quantiser's EMA update inside the training-mode
/// forward pass (no gradient reaches it). Logs the codebook's health beside the losses: perplexity of
/// the batch's codes, the fraction of codes alive (EMA count ≥ the restart threshold) and the number
/// of codes restarted this step.
/// </summary>
public sealed class VqVaeMethod : ITrainingMethod
{
    readonly VqVae model;
    readonly optim.Optimizer optimizer;

    public VqVaeMethod(VqVae model, MethodSettings settings)
    {
        this.model = model;
        optimizer = optim.AdamW(model.parameters(), settings.LearningRate, weight_decay: settings.WeightDecay);
        Modules = new Dictionary<string, nn.Module> { ["model"] = model };
        Optimizers = new Dictionary<string, optim.Optimizer> { ["model"] = optimizer };
    }

    public IReadOnlyDictionary<string, nn.Module> Modules { get; }
    public IReadOnlyDictionary<string, optim.Optimizer> Optimizers { get; }

    public IReadOnlyDictionary<string, double> TrainStep(Tensor batch, StepContext context)
    {
        var output = model.call(batch);
        optimizer.zero_grad();
        output.Losses.Total.backward();
        context.ClipAndStep(optimizer, model.parameters());
        var metrics = Metrics(output);
        metrics["restarts"] = model.Quantizer.LastRestarts;
        return metrics;
    }

    /// <summary>Losses, PSNR of the batch's mean MSE, perplexity and live codes on a validation batch (no codebook update in eval mode).</summary>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor batch) => Metrics(model.call(batch));

    /// <summary>Clips to look at (the trainer's <c>ISampleMethod</c> contract): the batch's <c>reconstruction</c> beside the <c>input</c>.</summary>
    public IReadOnlyDictionary<string, Tensor> Samples(Tensor batch)
    {
        var clips = batch[..Math.Min(4, (int)batch.shape[0])];
        return new Dictionary<string, Tensor> { ["input"] = clips, ["reconstruction"] = model.call(clips).Reconstruction };
    }

    Dictionary<string, double> Metrics(VqVaeOutput output)
    {
        double mse = output.Losses.Reconstruction.item<float>();
        using var alive = model.Quantizer.UsageCounts.ge(model.Config.DeadCodeThreshold).to(ScalarType.Float32).mean();
        return new Dictionary<string, double>
        {
            ["loss"] = output.Losses.Total.item<float>(),
            ["reconstruction"] = mse,
            ["commitment"] = output.Losses.Commitment.item<float>(),
            ["psnr"] = 10 * Math.Log10(1 / Math.Max(mse, 1e-12)),
            ["perplexity"] = output.Perplexity.item<float>(),
            ["codes_alive"] = alive.item<float>(),
        };
    }
}
