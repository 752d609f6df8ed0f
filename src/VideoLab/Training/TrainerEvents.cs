namespace VideoLab.Training;

/// <summary>After every optimisation step: what notebooks plot live and the CLI prints.</summary>
/// <param name="Step">Steps done (1 after the first step).</param>
/// <param name="Epoch">Current epoch.</param>
/// <param name="TotalSteps">Planned steps, when known.</param>
/// <param name="Losses">What the method returned.</param>
/// <param name="LearningRate">The first optimiser's learning rate for this step.</param>
/// <param name="Seconds">Wall-clock seconds of training so far (across resumes).</param>
public sealed record StepReport(long Step, int Epoch, long? TotalSteps, IReadOnlyDictionary<string, double> Losses,
                                double LearningRate, double Seconds);

/// <summary>After every validation.</summary>
/// <param name="Record">The "val" line written to metrics.jsonl.</param>
/// <param name="IsBest">Whether it improved the monitored value (and <c>checkpoints/best</c> was written).</param>
public sealed record ValidationReport(MetricRecord Record, bool IsBest);

/// <summary>Why <see cref="Trainer.Fit"/> returned.</summary>
public enum StopReason { StepBudget, EpochBudget, TimeBudget, EarlyStopping, Cancelled }

/// <summary>What a finished (or stopped) run did.</summary>
/// <param name="Steps">Steps done in total.</param>
/// <param name="Epoch">The epoch it stopped in.</param>
/// <param name="Reason">Why it stopped.</param>
/// <param name="LastLosses">The losses of the last step (empty if none ran).</param>
/// <param name="LastValidation">The last validation values, or null.</param>
/// <param name="BestMetric">Best monitored validation value, or null.</param>
/// <param name="Seconds">Wall-clock seconds of training, across resumes.</param>
public sealed record TrainResult(long Steps, int Epoch, StopReason Reason, IReadOnlyDictionary<string, double> LastLosses,
                                 IReadOnlyDictionary<string, double>? LastValidation, double? BestMetric, double Seconds);
