namespace VideoLab.Training;

/// <summary>How the learning rate changes over the run (stepped once per optimisation step).</summary>
public enum LrSchedule
{
    /// <summary>The learning rate stays at <see cref="MethodSettings.LearningRate"/>.</summary>
    Constant,
    /// <summary>One-cycle (Smith &amp; Topin 2019), TorchSharp's <c>OneCycleLR</c>, peaking at the method's learning rate: OpenSTL's default.</summary>
    OneCycle,
    /// <summary>Linear warm-up from 0 over <see cref="TrainerSettings.WarmupSteps"/>, then cosine decay to 0 (TorchSharp's <c>LambdaLR</c> with that closed form).</summary>
    WarmupCosine,
}

/// <summary>
/// What the <see cref="Trainer"/> does around a training method. The budget is the first of
/// <see cref="Steps"/>, <see cref="Epochs"/> and <see cref="Minutes"/> to run out; at least one must be set.
/// </summary>
/// <param name="Steps">Stop after this many optimisation steps.</param>
/// <param name="Epochs">Stop after this many passes over the training loader.</param>
/// <param name="Minutes">Stop after this much wall-clock time (checked between steps).</param>
/// <param name="Seed">Seeds torch and the managed RNG before the model is trained (<see cref="Runtime.Lab.Seed"/>).</param>
/// <param name="LogEvery">Write a "train" line to metrics.jsonl (and raise <see cref="Trainer.Logged"/>) every N steps.</param>
/// <param name="ValidateEvery">Evaluate on the validation loader every N steps (and at the end); 0 = only at the end.</param>
/// <param name="ValidationBatches">At most this many validation batches per evaluation (null = the whole loader).</param>
/// <param name="CheckpointEvery">Write <c>checkpoints/last</c> every N steps (and at the end); 0 = only at the end.</param>
/// <param name="ClipGradNorm">Clip the global gradient norm to this value (null = no clipping).</param>
/// <param name="Schedule">The learning-rate schedule; one-cycle and warm-up cosine need a step or epoch budget.</param>
/// <param name="WarmupSteps">Linear warm-up length of <see cref="LrSchedule.WarmupCosine"/>.</param>
/// <param name="MonitorMetric">Validation value that picks <c>checkpoints/best</c> and drives early stopping.</param>
/// <param name="MonitorMode">"min" when lower is better (losses, MSE), "max" when higher is (PSNR, SSIM).</param>
/// <param name="EarlyStoppingPatience">Stop after this many validations without improvement (null = never).</param>
/// <param name="SampleCount">Clips written to <c>samples/</c> at each validation (methods that can show samples).</param>
public sealed record TrainerSettings(
    long? Steps = null,
    int? Epochs = null,
    double? Minutes = null,
    long Seed = 42,
    int LogEvery = 10,
    int ValidateEvery = 200,
    int? ValidationBatches = 8,
    int CheckpointEvery = 200,
    double? ClipGradNorm = null,
    LrSchedule Schedule = LrSchedule.Constant,
    int WarmupSteps = 100,
    string MonitorMetric = "loss",
    string MonitorMode = "min",
    int? EarlyStoppingPatience = null,
    int SampleCount = 4)
{
    /// <summary>Throws with a clear message when a setting is out of range.</summary>
    public void Validate()
    {
        if (Steps is null && Epochs is null && Minutes is null)
            throw new ArgumentException("Give the trainer a budget: Steps, Epochs or Minutes (the CLI's --steps, --epochs, --minutes).");
        if (Steps <= 0) throw new ArgumentException($"Steps must be positive, got {Steps}.");
        if (Epochs <= 0) throw new ArgumentException($"Epochs must be positive, got {Epochs}.");
        if (Minutes <= 0) throw new ArgumentException($"Minutes must be positive, got {Minutes}.");
        if (LogEvery <= 0) throw new ArgumentException($"LogEvery must be positive, got {LogEvery}.");
        if (ValidateEvery < 0 || CheckpointEvery < 0) throw new ArgumentException("ValidateEvery and CheckpointEvery must be 0 (only at the end) or positive.");
        if (ClipGradNorm <= 0) throw new ArgumentException($"ClipGradNorm must be positive, got {ClipGradNorm}.");
        if (MonitorMode is not ("min" or "max")) throw new ArgumentException($"MonitorMode must be \"min\" or \"max\", got \"{MonitorMode}\".");
        if (Schedule != LrSchedule.Constant && Steps is null && Epochs is null)
            throw new ArgumentException($"The {Schedule} learning-rate schedule needs a step or epoch budget (it cannot know the length of a {Minutes}-minute run).");
    }
}
