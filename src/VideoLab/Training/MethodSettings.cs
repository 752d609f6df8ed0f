using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>The optimiser a training method builds.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma and Ba 2015); weight decay, when set, is an L2 term added to the gradient, as <c>torch.optim.Adam</c> does (OpenSTL's and MoCoGAN's).</summary>
    Adam,
    /// <summary>AdamW (Loshchilov and Hutter 2019): weight decay decoupled from the gradient.</summary>
    AdamW,
}

/// <summary>
/// What a training method needs to build its optimisers: learning rates, the optimiser and its betas, and
/// method-specific options (for example the VQ-VAE checkpoint a prior is trained on), as the CLI and notebooks give them.
/// </summary>
/// <param name="LearningRate">Learning rate of the (generator's) optimiser.</param>
/// <param name="WeightDecay">Weight decay of every optimiser (see <paramref name="Optimizer"/>).</param>
/// <param name="DiscriminatorLearningRate">A GAN's discriminator learning rate; the generator's when null.</param>
/// <param name="Options">Method-specific settings by name.</param>
/// <param name="Optimizer">Adam or AdamW; null = the method's default (predictors: AdamW when weight decay is set, else Adam;
/// the generative methods: AdamW).</param>
/// <param name="Beta1">Adam's β1; null = the method's default (0.9; 0.5 for GANs, as DCGAN and MoCoGAN).</param>
/// <param name="Beta2">Adam's β2; null = 0.999.</param>
public sealed record MethodSettings(
    double LearningRate = 1e-3,
    double WeightDecay = 0,
    double? DiscriminatorLearningRate = null,
    IReadOnlyDictionary<string, string>? Options = null,
    OptimizerKind? Optimizer = null,
    double? Beta1 = null,
    double? Beta2 = null)
{
    public string? Option(string name) => Options is not null && Options.TryGetValue(name, out var v) ? v : null;

    /// <summary>
    /// The optimiser these settings describe over <paramref name="parameters"/>, at <paramref name="learningRate"/>
    /// (default: <see cref="LearningRate"/>); <paramref name="defaultKind"/> and <paramref name="defaultBeta1"/> apply
    /// when <see cref="Optimizer"/> and <see cref="Beta1"/> are not set.
    /// </summary>
    public optim.Optimizer CreateOptimizer(IEnumerable<TorchSharp.Modules.Parameter> parameters, OptimizerKind defaultKind,
                                           double? learningRate = null, double defaultBeta1 = 0.9)
    {
        double lr = learningRate ?? LearningRate, beta1 = Beta1 ?? defaultBeta1, beta2 = Beta2 ?? 0.999;
        return (Optimizer ?? defaultKind) == OptimizerKind.AdamW
            ? optim.AdamW(parameters, lr, beta1, beta2, weight_decay: WeightDecay)
            : optim.Adam(parameters, lr, beta1, beta2, weight_decay: WeightDecay);
    }
}
