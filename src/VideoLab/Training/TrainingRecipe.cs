using System.Globalization;

namespace VideoLab.Training;

/// <summary>
/// A complete training setting — optimiser, learning rate and schedule, batch, budget, teacher forcing, data shape —
/// with the place it comes from, so a run can reproduce a published setting with nothing else to type
/// (<c>videolab train --model simvp --data moving-mnist --recipe openstl</c>) and its <c>config.json</c> says which it was.
/// Every registered model has a reference recipe (<see cref="TrainingRecipes.Reference"/>, also
/// <see cref="Models.ModelEntry.Recipe"/>); <see cref="TrainingRecipes.Cpu"/> is the quick CPU setting the CLI uses by default.
/// </summary>
/// <param name="Name"><c>openstl</c>, <c>videogpt</c>, <c>mocogan</c> (a reference's source) or <c>cpu</c>.</param>
/// <param name="Source">Where the values come from (file and repository, or paper), and what was adapted.</param>
/// <param name="Optimizer">Adam (weight decay as an L2 term) or AdamW; null = the method's default (AdamW when weight decay is set).</param>
/// <param name="LearningRate">Peak learning rate (the generator's, for GANs).</param>
/// <param name="Beta1">Adam's β1.</param>
/// <param name="Beta2">Adam's β2.</param>
/// <param name="WeightDecay">Weight decay.</param>
/// <param name="Schedule">Learning-rate schedule over the run.</param>
/// <param name="BatchSize">Clips per optimisation step.</param>
/// <param name="Epochs">Budget in epochs of <paramref name="ClipsPerEpoch"/> clips (null: by steps or minutes).</param>
/// <param name="Steps">Budget in optimisation steps.</param>
/// <param name="Minutes">Budget in wall-clock minutes.</param>
/// <param name="ClipsPerEpoch">Training clips per epoch (OpenSTL's Moving MNIST: 10,000, drawn fresh every epoch).</param>
/// <param name="Frames">Frames per clip (10 context + 10 predicted in OpenSTL's Moving MNIST protocol).</param>
/// <param name="ImageSize">Frame height and width.</param>
/// <param name="Size">The model's size: its published default or the tiny CPU one.</param>
/// <param name="TeacherForcingDecaySteps">Recurrent predictors: steps over which teacher forcing decays from 1 to 0
/// (OpenSTL: 50,000 iterations); null = half the run.</param>
/// <param name="DiscriminatorLearningRate">GANs: the discriminators' learning rate; null = <paramref name="LearningRate"/>.</param>
/// <param name="Options">Further method options (<see cref="MethodSettings.Options"/>), e.g. TAU's divergence weight.</param>
/// <param name="WarmupSteps">Linear warm-up of the warm-up cosine schedule; null = <see cref="TrainerSettings.WarmupSteps"/>'s default.</param>
/// <param name="Changed">What a run changed from the named recipe (command-line options); empty or null for the recipe as published.</param>
public sealed record TrainingRecipe(
    string Name, string Source, OptimizerKind? Optimizer, double LearningRate, double Beta1, double Beta2, double WeightDecay,
    LrSchedule Schedule, int BatchSize, int? Epochs, long? Steps, double? Minutes, long ClipsPerEpoch, int Frames, int ImageSize,
    ModelSize Size, long? TeacherForcingDecaySteps = null, double? DiscriminatorLearningRate = null,
    IReadOnlyDictionary<string, string>? Options = null, int? WarmupSteps = null, IReadOnlyList<string>? Changed = null)
{
    /// <summary>
    /// The method settings of this recipe: optimiser, rates, betas, weight decay, and its options (teacher-forcing length
    /// as <c>teacher-decay-steps</c>) under <paramref name="extra"/> options, which win.
    /// </summary>
    public MethodSettings ToMethodSettings(IReadOnlyDictionary<string, string>? extra = null)
    {
        var options = new Dictionary<string, string>(Options ?? new Dictionary<string, string>());
        if (TeacherForcingDecaySteps is long steps) options["teacher-decay-steps"] = steps.ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) options[key] = value;
        return new MethodSettings(LearningRate, WeightDecay, DiscriminatorLearningRate, options, Optimizer, Beta1, Beta2);
    }

    /// <summary>The trainer's budget and schedule from this recipe; the rest of <paramref name="settings"/> is kept.</summary>
    public TrainerSettings ApplyTo(TrainerSettings settings) =>
        settings with { Epochs = Epochs, Steps = Steps, Minutes = Minutes, Schedule = Schedule, WarmupSteps = WarmupSteps ?? settings.WarmupSteps };
}
