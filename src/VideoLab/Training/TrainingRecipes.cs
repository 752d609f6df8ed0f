namespace VideoLab.Training;

/// <summary>
/// The reference recipe of every registered model, and the quick CPU one. Sources, read for this table:
/// <list type="bullet">
/// <item>OpenSTL (chengtan9907/OpenSTL, commit c74deb5): <c>configs/mmnist/ConvLSTM.py</c>, <c>PredRNN.py</c>,
///   <c>simvp/SimVP_gSTA.py</c>, <c>TAU.py</c> over the defaults of <c>openstl/utils/parser.py</c> (Adam, no weight decay,
///   OneCycle with PyTorch's defaults and final_div_factor 1e4, 200 epochs, batch 16, 10 → 10 at 64×64) and
///   <c>openstl/datasets/dataloader_moving_mnist.py</c> (10,000 fresh training clips per epoch);</item>
/// <item>VideoGPT (wilson1yan/VideoGPT): <c>videogpt/vqvae.py</c> and <c>scripts/train_vqvae.py</c> (Adam 3e-4, β (0.9, 0.999),
///   constant rate, batch 32, 200,000 steps, 16 frames at 64×64, reconstruction loss / 0.06), <c>videogpt/gpt.py</c> and
///   <c>scripts/train_videogpt.py</c> (Adam 3e-4, cosine annealing to 0 over the run, batch 8 per GPU);</item>
/// <item>MoCoGAN (sergeytulyakov/mocogan): <c>src/trainers.py</c> and <c>src/train.py</c> (Adam 2e-4, β (0.5, 0.999),
///   weight decay 1e-5 for the generator and both discriminators, constant rate, 100,000 batches of 3 videos, 16 frames at 64×64).</item>
/// </list>
/// Models OpenSTL does not have take the setting of the OpenSTL model they are closest to, and say so.
/// </summary>
public static class TrainingRecipes
{
    const string OpenStlDefaults = "over openstl/utils/parser.py's defaults (Adam, weight decay 0, OneCycle, 200 epochs, batch 16) " +
                                   "and dataloader_moving_mnist.py (10,000 fresh clips per epoch, 10 → 10 at 64×64)";

    /// <summary>OpenSTL's recurrent setting (configs/mmnist/ConvLSTM.py, PredRNN.py): lr 5e-4, teacher forcing 1 → 0 over 50,000 iterations.</summary>
    static TrainingRecipe OpenStlRecurrent(string source) => new(
        "openstl", source, OptimizerKind.Adam, 5e-4, 0.9, 0.999, 0, LrSchedule.OneCycle, 16, Epochs: 200, Steps: null, Minutes: null,
        ClipsPerEpoch: 10_000, Frames: 20, ImageSize: 64, ModelSize.Default, TeacherForcingDecaySteps: 50_000,
        Options: new Dictionary<string, string> { ["loss"] = "all" });

    /// <summary>OpenSTL's SimVP setting (configs/mmnist/simvp/SimVP_gSTA.py): lr 1e-3, drop_path 0.</summary>
    static TrainingRecipe OpenStlSimVp(string source, IReadOnlyDictionary<string, string>? options = null) => new(
        "openstl", source, OptimizerKind.Adam, 1e-3, 0.9, 0.999, 0, LrSchedule.OneCycle, 16, Epochs: 200, Steps: null, Minutes: null,
        ClipsPerEpoch: 10_000, Frames: 20, ImageSize: 64, ModelSize.Default, Options: options);

    static readonly IReadOnlyDictionary<string, TrainingRecipe> References = new Dictionary<string, TrainingRecipe>
    {
        ["convlstm"] = OpenStlRecurrent($"OpenSTL configs/mmnist/ConvLSTM.py {OpenStlDefaults}"),
        ["predrnn"] = OpenStlRecurrent($"OpenSTL configs/mmnist/PredRNN.py {OpenStlDefaults}"),
        ["convgru"] = OpenStlRecurrent($"not in OpenSTL: its ConvLSTM setting (configs/mmnist/ConvLSTM.py) {OpenStlDefaults}"),
        ["framelstm"] = OpenStlRecurrent($"not in OpenSTL: its ConvLSTM setting (configs/mmnist/ConvLSTM.py) {OpenStlDefaults}"),
        ["framegru"] = OpenStlRecurrent($"not in OpenSTL: its ConvLSTM setting (configs/mmnist/ConvLSTM.py) {OpenStlDefaults}"),
        ["simvp"] = OpenStlSimVp($"OpenSTL configs/mmnist/simvp/SimVP_gSTA.py {OpenStlDefaults}"),
        ["tau"] = OpenStlSimVp($"OpenSTL configs/mmnist/TAU.py {OpenStlDefaults}; methods/tau.py: MSE + 0.1 × differential divergence (τ 0.1)",
                               new Dictionary<string, string>
                               {
                                   ["divergence-weight"] = DifferentialDivergence.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture),
                                   ["divergence-temperature"] = DifferentialDivergence.Temperature.ToString(System.Globalization.CultureInfo.InvariantCulture),
                               }),
        ["simvp-attention"] = OpenStlSimVp($"not in OpenSTL: its SimVP setting (configs/mmnist/simvp/SimVP_gSTA.py) {OpenStlDefaults}"),
        ["conv3d"] = OpenStlSimVp($"not in OpenSTL: its SimVP setting (configs/mmnist/simvp/SimVP_gSTA.py) {OpenStlDefaults}"),
        ["transformer"] = OpenStlSimVp(
            $"not in OpenSTL, no published recipe: its SimVP optimiser setting (configs/mmnist/simvp/SimVP_gSTA.py) {OpenStlDefaults}, " +
            "with the recurrent configs' teacher forcing (1 → 0 over 50,000 iterations) and loss over every next frame",
            new Dictionary<string, string> { ["loss"] = "all" }) with { TeacherForcingDecaySteps = 50_000 },
        ["mocogan"] = new("mocogan",
            "MoCoGAN (Tulyakov et al. 2018), sergeytulyakov/mocogan src/trainers.py (Adam lr 2e-4, β (0.5, 0.999), weight decay 1e-5 " +
            "for G, D_I and D_V) and src/train.py (100,000 batches of 3 videos and 10 images, 16 frames, 64×64); VideoLab's D_I sees " +
            "frames of the video batch, not a separate image batch",
            OptimizerKind.Adam, 2e-4, 0.5, 0.999, 1e-5, LrSchedule.Constant, 3, Epochs: null, Steps: 100_000, Minutes: null,
            ClipsPerEpoch: 10_000, Frames: 16, ImageSize: 64, ModelSize.Default),
        ["vqvae"] = new("videogpt",
            "VideoGPT (Yan et al. 2021), wilson1yan/VideoGPT videogpt/vqvae.py (Adam lr 3e-4, β (0.9, 0.999), constant rate, " +
            "reconstruction loss divided by the data variance 0.06) and scripts/train_vqvae.py (batch 32, 200,000 steps, 16 frames, 64×64)",
            OptimizerKind.Adam, 3e-4, 0.9, 0.999, 0, LrSchedule.Constant, 32, Epochs: null, Steps: 200_000, Minutes: null,
            ClipsPerEpoch: 10_000, Frames: 16, ImageSize: 64, ModelSize.Default,
            Options: new Dictionary<string, string> { ["data-variance"] = "0.06" }),
        ["vqvae-prior"] = new("videogpt",
            "VideoGPT (Yan et al. 2021), wilson1yan/VideoGPT videogpt/gpt.py (Adam lr 3e-4, β (0.9, 0.999), cosine annealing to 0 " +
            "over the run) and scripts/train_videogpt.py (batch 8 per GPU); its max_steps is left to the command line, 200,000 " +
            "here as the VQ-VAE's; 16 frames, 64×64",
            OptimizerKind.Adam, 3e-4, 0.9, 0.999, 0, LrSchedule.WarmupCosine, 8, Epochs: null, Steps: 200_000, Minutes: null,
            ClipsPerEpoch: 10_000, Frames: 16, ImageSize: 64, ModelSize.Default, WarmupSteps: 0),  // cosine annealing, no warm-up
    };

    /// <summary>
    /// VideoLab's quick CPU setting, the CLI's default: the tiny model on 32×32 clips of 10 frames (5 → 5), Adam 1e-3 at a
    /// constant rate (AdamW when a weight decay is given), batch 16, 3 minutes, teacher forcing decaying over the first half of the run. Made for a laptop,
    /// not for comparing with published numbers.
    /// </summary>
    public static TrainingRecipe Cpu { get; } = new(
        "cpu", "VideoLab's quick CPU setting (tiny model, 32×32, 5 → 5, 3 minutes); not a published setting",
        null, 1e-3, 0.9, 0.999, 0, LrSchedule.Constant, 16, Epochs: null, Steps: null, Minutes: 3,
        ClipsPerEpoch: 10_000, Frames: 10, ImageSize: 32, ModelSize.Tiny);

    /// <summary>The reference recipe of model <paramref name="model"/> (a registered name).</summary>
    public static TrainingRecipe Reference(string model) =>
        References.TryGetValue(model.ToLowerInvariant(), out var recipe) ? recipe
        : throw new ArgumentException($"Model '{model}' has no reference recipe. Models with one: {string.Join(", ", References.Keys)}.");

    /// <summary>Registered names that have a reference recipe.</summary>
    public static IEnumerable<string> Models => References.Keys;

    /// <summary>
    /// The recipe <paramref name="name"/> for <paramref name="model"/>: <c>cpu</c>, <c>reference</c> (the model's own), or the name of
    /// the model's reference (<c>openstl</c>, <c>videogpt</c>, <c>mocogan</c>); anything else is an error naming what exists.
    /// </summary>
    public static TrainingRecipe Get(string name, string model)
    {
        if (name.Equals("cpu", StringComparison.OrdinalIgnoreCase)) return Cpu;
        var reference = Reference(model);
        if (name.Equals("reference", StringComparison.OrdinalIgnoreCase) || name.Equals(reference.Name, StringComparison.OrdinalIgnoreCase))
            return reference;
        throw new ArgumentException($"Model '{model}' has no '{name}' recipe: its reference recipe is '{reference.Name}' ({reference.Source}); " +
                                    "the other is 'cpu' (the quick CPU setting). 'reference' picks the model's own.");
    }
}
