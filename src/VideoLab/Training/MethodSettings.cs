namespace VideoLab.Training;

/// <summary>
/// What a training method needs to build its optimisers: learning rates and method-specific options
/// (for example the VQ-VAE checkpoint a prior is trained on), as the CLI and notebooks give them.
/// </summary>
/// <param name="LearningRate">Learning rate of the (generator's) optimiser.</param>
/// <param name="WeightDecay">Weight decay (AdamW) of every optimiser.</param>
/// <param name="DiscriminatorLearningRate">A GAN's discriminator learning rate; the generator's when null.</param>
/// <param name="Options">Method-specific settings by name.</param>
public sealed record MethodSettings(
    double LearningRate = 1e-3,
    double WeightDecay = 0,
    double? DiscriminatorLearningRate = null,
    IReadOnlyDictionary<string, string>? Options = null)
{
    public string? Option(string name) => Options is not null && Options.TryGetValue(name, out var v) ? v : null;
}
