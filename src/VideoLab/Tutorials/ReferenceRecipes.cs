using System.Globalization;
using TorchSharp;
using VideoLab.Models;
using VideoLab.Runtime;
using VideoLab.Training;

namespace VideoLab.Tutorials;

/// <summary>
/// How each tutorial reference checkpoint is made (<c>notebooks/reference/make.sh</c> runs this): the registered model at
/// its size for the mode, fitted to the mode's clips, seeded with 0 and trained by the library's method with the settings
/// below, the same loop as the notebook's, only longer. Every value that changes the weights is fixed here.
/// </summary>
public static class ReferenceRecipes
{
    /// <summary>The references, in the order they must be made (the prior is trained on the VQ-VAE reference's codes).</summary>
    public static IReadOnlyList<string> Names { get; } = ["mocogan", "vqvae", "vqvae-prior", "framegru", "framelstm", "simvp-attention"];

    /// <summary>Optimisation steps of each reference.</summary>
    public static long Steps(string name) => name switch
    {
        "mocogan" => 2_500,
        "vqvae" => 2_000,
        "vqvae-prior" => 2_000,
        // Predictors that need more than the notebooks' 300 steps to beat both baselines in cpu mode (bench/notebooks/variants.cs:
        // at 1,500 steps the frame GRU passes and the frame LSTM does not yet; SimVP's attention translator has 0.508 SSIM at 300).
        "framegru" or "simvp-attention" => 1_500,
        "framelstm" => 3_000,
        _ => throw Unknown(name),
    };

    /// <summary>
    /// Trains reference <paramref name="name"/> on <paramref name="data"/> and saves it into <paramref name="folder"/>
    /// (the prior reads the VQ-VAE reference from there); returns the weights' SHA-256.
    /// </summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="data">The clips to train on (<see cref="TutorialData.Open"/> of <paramref name="mode"/>).</param>
    /// <param name="mode">Whose model sizes to use (<see cref="TutorialModels.Config(string, LabMode?)"/>).</param>
    /// <param name="folder">Where to write <c>NAME.weights</c> and <c>NAME.json</c>.</param>
    /// <param name="steps">Steps to train; null: <see cref="Steps"/> (tests train a few).</param>
    /// <param name="log">Receives a line every 200 steps.</param>
    public static string Make(string name, TutorialData data, LabMode mode, string folder, long? steps = null, Action<string>? log = null)
    {
        var entry = ModelRegistry.Get(name);
        var config = ModelSetup.FitToData(entry, TutorialModels.Config(name, mode), data.Shape, data.Context, data.Horizon);
        VqVae? vqvae = null;
        if (config is CodePriorConfig prior)
        {
            vqvae = (VqVae)(TutorialReferences.Load("vqvae", folder)?.Model
                            ?? throw new InvalidOperationException($"The prior needs the VQ-VAE reference in {folder}: make 'vqvae' first."));
            config = prior with
            {
                CodebookSize = vqvae.Config.CodebookSize, DownsampleT = vqvae.Config.DownsampleT,
                DownsampleH = vqvae.Config.DownsampleH, DownsampleW = vqvae.Config.DownsampleW,
            };
        }
        Lab.Seed(0);
        var model = entry.Build(config).to(Lab.Device);
        string size = $"{mode.ToString().ToLowerInvariant()}-mode size";
        var (method, description) = model switch
        {
            MoCoGan gan => ((ITrainingMethod)new GanMethod(gan, new MethodSettings(LearningRate: 2e-4, DiscriminatorLearningRate: 4e-4)),
                            $"MoCoGAN at the {size}, trained on 32×32 bouncing shapes (10 frames) with the non-saturating loss, Adam (β₁ 0.5), " +
                            "learning rates 2e-4 (G) and 4e-4 (D), batch 16, gradients clipped to 1: notebook 05's loop, run by GanMethod"),
            VqVae vq => (new VqVaeMethod(vq, new MethodSettings(LearningRate: 3e-4)),
                         $"VQ-VAE at the {size}, trained on 32×32 bouncing shapes (10 frames), Adam 3e-4, batch 16, gradients clipped to 1, " +
                         "EMA codebook with dead-code restarts"),
            CodePrior p => (new PriorMethod(p, vqvae!, new MethodSettings(LearningRate: 1e-3)),
                            $"code prior at the {size}, trained on the codes the VQ-VAE reference gives 32×32 bouncing shapes, Adam 1e-3, batch 16, " +
                            "gradients clipped to 1"),
            FrameRnn or SimVp => Predictor(model, name, size, data),
            _ => throw Unknown(name),
        };
        long count = steps ?? Steps(name);
        var settings = new TrainerSettings(Steps: count, Seed: 0, LogEvery: 200, ValidateEvery: 0, CheckpointEvery: 0, ClipGradNorm: 1.0);
        if (method is PredictionMethod)
            settings = settings with { Schedule = LrSchedule.OneCycle, WarmupSteps = (int)Math.Max(1, count / 10) };  // as Tutorial.Budget
        var trainer = new Trainer(method, settings);
        if (log is not null)
            trainer.Logged += r => log($"{name} step {r.Step}: " + string.Join(", ", r.Values.Select(kv => $"{kv.Key} {kv.Value:G4}")));
        var result = trainer.Fit(data.TrainLoader(Tutorial.BatchSize));
        return TutorialReferences.Save(folder, name, model, ModelSpec.Of(entry, config), description, count, $"notebooks/reference/make.sh {name}",
                                       result.Seconds, result.LastLosses);
    }

    // The notebooks' predictor recipe (Tutorial.PredictorMethod, as Tutorial.TrainPredictor trains), only longer; recurrent
    // models with 03's scheduled sampling (SimVP predicts all frames in one pass, so it has none).
    static (ITrainingMethod, string) Predictor(torch.nn.Module model, string name, string size, TutorialData data)
    {
        bool recurrent = model is FrameRnn;
        var (method, settings) = Tutorial.PredictorMethod(model, data, recurrent ? LinearDecay : null);
        return (method, $"{name} at the {size}, trained on 32×32 bouncing shapes ({data.Context} → {data.Horizon} frames) with MSE, " +
                        $"Adam with a one-cycle learning rate peaking at {settings.LearningRate.ToString("0e-0", CultureInfo.InvariantCulture)}, " +
                        (recurrent ? "scheduled sampling falling linearly from 1 to 0, " : "") +
                        "batch 16, gradients clipped to 1: the notebooks' recipe, run longer");
    }

    static readonly ScheduledSampling LinearDecay = new(Start: 1, End: 0, DecayFraction: 1.0);   // notebook 03's

    static ArgumentException Unknown(string name) =>
        new($"No reference recipe for '{name}'; known: {string.Join(", ", Names)}.", nameof(name));
}
