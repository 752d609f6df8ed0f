using TorchSharp;
using VideoLab.Models;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>
/// Trains a <see cref="VqVae"/> (van den Oord et al. 2017): minimises reconstruction MSE / data variance + β·commitment
/// with AdamW; the codebook itself is learned by the quantiser's EMA update inside the training-mode
/// forward pass (no gradient reaches it). Logs the codebook's health beside the losses: perplexity of
/// the batch's codes, the fraction of codes alive (EMA count ≥ the restart threshold) and the number
/// of codes restarted this step.
/// <para>
/// The data variance is the method option <c>data-variance</c>, 1 by default (the plain sum of the two losses, as the
/// VQ-VAE paper writes it). VideoGPT (<c>videogpt/vqvae.py</c>) divides the reconstruction loss by 0.06, its estimate of
/// the data's variance, which makes the commitment term about 17× weaker relative to reconstruction; the <c>videogpt</c>
/// recipe sets it. The logged <c>reconstruction</c> is always the plain MSE.
/// </para>
/// </summary>
public sealed class VqVaeMethod : ITrainingMethod, ISampleMethod
{
    readonly VqVae model;
    readonly optim.Optimizer optimizer;

    public VqVaeMethod(VqVae model, MethodSettings settings)
    {
        this.model = model;
        DataVariance = settings.Option("data-variance") is { } v ? double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : 1.0;
        if (!(DataVariance > 0)) throw new ArgumentException($"The VQ-VAE option data-variance must be positive, got {DataVariance}.");
        optimizer = settings.CreateOptimizer(model.parameters(), OptimizerKind.AdamW);
        Modules = new Dictionary<string, nn.Module> { ["model"] = model };
        Optimizers = new Dictionary<string, optim.Optimizer> { ["model"] = optimizer };
    }

    /// <summary>What the reconstruction loss is divided by in training (VideoGPT: 0.06).</summary>
    public double DataVariance { get; }

    public IReadOnlyDictionary<string, nn.Module> Modules { get; }
    public IReadOnlyDictionary<string, optim.Optimizer> Optimizers { get; }

    public IReadOnlyDictionary<string, double> TrainStep(Tensor batch, StepContext context)
    {
        var output = model.call(batch);
        var loss = DataVariance == 1.0 ? output.Losses.Total : output.Losses.Reconstruction / DataVariance + output.Losses.Commitment;
        optimizer.zero_grad();
        loss.backward();
        context.ClipAndStep(optimizer, model.parameters());
        var metrics = Metrics(output);
        metrics["loss"] = loss.item<float>();  // what was minimised (the plain sum when the data variance is 1)
        metrics["restarts"] = model.Quantizer.LastRestarts;
        return metrics;
    }

    /// <summary>Losses, PSNR of the batch's mean MSE, perplexity and live codes on a validation batch (no codebook update in eval mode).</summary>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor batch) => Metrics(model.call(batch));

    /// <summary>Clips to look at (see <see cref="ISampleMethod"/>): the batch's <c>reconstruction</c> beside the <c>input</c>.</summary>
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
