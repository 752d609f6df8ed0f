using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>
/// The loss and update rule of one family (prediction, GAN, VQ-VAE, prior). The trainer owns
/// everything else: the loop and its budget, dispose scopes, no_grad in evaluation, LR schedules,
/// checkpoints, logging. Models hold no optimiser code; methods hold no loop code.
/// </summary>
public interface ITrainingMethod
{
    /// <summary>The modules whose weights a checkpoint holds, by a stable name ("model", "generator", …).</summary>
    IReadOnlyDictionary<string, nn.Module> Modules { get; }

    /// <summary>The optimisers a checkpoint holds and LR schedules drive, by a stable name.</summary>
    IReadOnlyDictionary<string, optim.Optimizer> Optimizers { get; }

    /// <summary>
    /// One update on a batch <c>(B, T, C, H, W)</c> already on the device. Called inside the trainer's
    /// dispose scope, with the modules in train mode. Returns the scalar losses to log (e.g. "loss").
    /// </summary>
    IReadOnlyDictionary<string, double> TrainStep(Tensor batch, StepContext context);

    /// <summary>Metrics on a validation batch; the trainer calls it in eval mode under <c>no_grad</c>.</summary>
    IReadOnlyDictionary<string, double> Evaluate(Tensor batch);
}

/// <summary>What a training step may need from the trainer.</summary>
/// <param name="Step">Global step, from 0.</param>
/// <param name="Epoch">Epoch, from 0.</param>
/// <param name="TotalSteps">The planned number of steps, when known (scheduled sampling uses it).</param>
/// <param name="ClipGradNorm">Max gradient norm, or null for no clipping.</param>
public sealed record StepContext(long Step, int Epoch, long? TotalSteps, double? ClipGradNorm)
{
    /// <summary>Clips the gradients of <paramref name="parameters"/> if configured, then steps the optimiser.</summary>
    public void ClipAndStep(optim.Optimizer optimizer, IEnumerable<TorchSharp.Modules.Parameter> parameters)
    {
        if (ClipGradNorm is double max)
            nn.utils.clip_grad_norm_(parameters, max);
        optimizer.step();
    }
}
