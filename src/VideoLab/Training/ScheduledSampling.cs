namespace VideoLab.Training;

/// <summary>
/// Scheduled sampling (Bengio et al. 2015, "Scheduled Sampling for Sequence Prediction with Recurrent
/// Neural Networks"), with the <b>linear</b> decay: the probability of feeding a recurrent predictor the
/// true frame instead of its own prediction starts at <see cref="Start"/> and falls linearly to
/// <see cref="End"/> over the first <see cref="DecayFraction"/> of the run (or <see cref="DecaySteps"/> steps), then
/// stays there. PredRNN (Wang et al. 2017) and OpenSTL's ConvLSTM/PredRNN configs train the same way (1 → 0 linearly
/// over the first 50,000 iterations: <c>sampling_changing_rate</c> 2e-5 per iteration); its later
/// "reverse" scheduled sampling (PredRNN-V2, which also decays teacher forcing of the context frames)
/// is not implemented. Models that predict every frame at once ignore the probability.
/// </summary>
/// <param name="Start">Probability of a true frame at step 0 (1 = full teacher forcing).</param>
/// <param name="End">Probability after the decay (0 = the model always sees its own predictions, as at test time).</param>
/// <param name="DecayFraction">Fraction of the planned steps over which the probability decays.</param>
/// <param name="FallbackDecaySteps">Decay length when the run's length is unknown (a wall-clock budget).</param>
/// <param name="DecaySteps">Decay length in steps, whatever the run's length (OpenSTL: 50,000 iterations); null = <paramref name="DecayFraction"/> of the run.</param>
public sealed record ScheduledSampling(double Start = 1.0, double End = 0.0, double DecayFraction = 0.5, long FallbackDecaySteps = 1000,
                                       long? DecaySteps = null)
{
    /// <summary>No teacher forcing at all: the model always continues from its own predictions.</summary>
    public static ScheduledSampling None { get; } = new(0, 0);

    /// <summary>The probability of a true frame at <paramref name="step"/> of a run planned for <paramref name="totalSteps"/>.</summary>
    public double Probability(long step, long? totalSteps)
    {
        if (Start is < 0 or > 1 || End is < 0 or > 1)
            throw new ArgumentException($"Scheduled-sampling probabilities must be in [0, 1], got start {Start} and end {End}.");
        if (DecaySteps <= 0) throw new ArgumentException($"Scheduled sampling's DecaySteps must be positive, got {DecaySteps}.");
        double decaySteps = DecaySteps ?? (totalSteps is long total ? Math.Max(1, total * DecayFraction) : FallbackDecaySteps);
        double progress = Math.Clamp(step / decaySteps, 0, 1);
        return Start + (End - Start) * progress;
    }
}
