using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Models;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>
/// Trains a <see cref="MoCoGan"/> (Tulyakov et al. 2018) with alternating updates: one discriminator
/// step (D_I on one random frame per clip, D_V on whole clips, real against generated), then one
/// generator step against both discriminators. Loss: <see cref="MoCoGanConfig.Loss"/> (non-saturating
/// or hinge). Adam with β = (0.5, 0.999) as in DCGAN/MoCoGAN; the discriminators' learning rate is
/// <see cref="MethodSettings.DiscriminatorLearningRate"/> (two time-scale update rule, Heusel et al. 2017)
/// or the generator's. Weight decay, when set, is decoupled (AdamW) unless <see cref="MethodSettings.Optimizer"/> says Adam
/// (MoCoGAN's own training adds it to the gradient: Adam, weight decay 1e-5; the <c>mocogan</c> recipe).
/// </summary>
public sealed class GanMethod : ITrainingMethod, ISampleMethod
{
    readonly MoCoGan model;
    readonly optim.Optimizer generatorOptimizer, discriminatorOptimizer;
    readonly Parameter[] generatorParameters, discriminatorParameters;

    public GanMethod(MoCoGan model, MethodSettings settings)
    {
        this.model = model;
        generatorParameters = model.Generator.parameters().ToArray();
        discriminatorParameters = model.ImageDiscriminator.parameters().Concat(model.VideoDiscriminator.parameters()).ToArray();
        generatorOptimizer = settings.CreateOptimizer(generatorParameters, OptimizerKind.AdamW, defaultBeta1: 0.5);
        discriminatorOptimizer = settings.CreateOptimizer(discriminatorParameters, OptimizerKind.AdamW,
                                                          settings.DiscriminatorLearningRate ?? settings.LearningRate, defaultBeta1: 0.5);
        Modules = new Dictionary<string, nn.Module> { ["model"] = model };
        Optimizers = new Dictionary<string, optim.Optimizer> { ["generator"] = generatorOptimizer, ["discriminator"] = discriminatorOptimizer };
    }

    public IReadOnlyDictionary<string, nn.Module> Modules { get; }
    public IReadOnlyDictionary<string, optim.Optimizer> Optimizers { get; }

    /// <summary>A discriminator step then a generator step. Logged: <c>loss</c> (the generator's), <c>d_loss</c>, <c>g_loss</c>, and <c>d_real</c>, <c>d_fake</c>: the mean σ(D(x)) over both discriminators (1 = judged real).</summary>
    public IReadOnlyDictionary<string, double> TrainStep(Tensor batch, StepContext context)
    {
        var d = DiscriminatorStep(batch, context);
        var g = GeneratorStep(batch.shape[0], (int)batch.shape[1], context);
        return new Dictionary<string, double>(d) { ["loss"] = g["g_loss"], ["g_loss"] = g["g_loss"] };
    }

    /// <summary>Updates only the discriminators: real clips against clips generated without gradient.</summary>
    public IReadOnlyDictionary<string, double> DiscriminatorStep(Tensor real, StepContext context)
    {
        VideoShape.Check(real, "GanMethod batch", model.Config.Channels, model.Config.ImageSize, model.Config.ImageSize);
        Tensor fake;
        using (no_grad())
            fake = model.Generator.call(model.Generator.DrawLatents((int)real.shape[0], (int)real.shape[1]));  // (B, T, C, H, W)
        var (lossImage, realImage, fakeImage) = DiscriminatorLoss(model.ImageDiscriminator.call(RandomFrames(real)), model.ImageDiscriminator.call(RandomFrames(fake)));
        var (lossVideo, realVideo, fakeVideo) = DiscriminatorLoss(model.VideoDiscriminator.call(real), model.VideoDiscriminator.call(fake));
        var loss = lossImage + lossVideo;
        discriminatorOptimizer.zero_grad();
        loss.backward();
        context.ClipAndStep(discriminatorOptimizer, discriminatorParameters);
        return new Dictionary<string, double>
        {
            ["d_loss"] = loss.item<float>(),
            ["d_real"] = (realImage + realVideo) / 2,
            ["d_fake"] = (fakeImage + fakeVideo) / 2,
        };
    }

    /// <summary>Updates only the generator: fools both discriminators with <paramref name="count"/> new clips of <paramref name="frames"/> frames.</summary>
    public IReadOnlyDictionary<string, double> GeneratorStep(long count, int frames, StepContext context)
    {
        // The gradient has to pass through both discriminators to reach the generator, but their own weight
        // gradients would only be thrown away: frozen for this step, backward skips computing them.
        SetTrainable(discriminatorParameters, false);
        try
        {
            var fake = model.Generator.call(model.Generator.DrawLatents((int)count, frames));  // (B, T, C, H, W)
            var loss = GeneratorLoss(model.ImageDiscriminator.call(RandomFrames(fake)))
                     + GeneratorLoss(model.VideoDiscriminator.call(fake));
            generatorOptimizer.zero_grad();
            loss.backward();
            context.ClipAndStep(generatorOptimizer, generatorParameters);
            return new Dictionary<string, double> { ["g_loss"] = loss.item<float>() };
        }
        finally
        {
            SetTrainable(discriminatorParameters, true);
        }
    }

    static void SetTrainable(Parameter[] parameters, bool trainable)
    {
        foreach (var p in parameters) p.requires_grad = trainable;
    }

    /// <summary>Both losses on a validation batch and freshly generated clips, without updates.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor batch)
    {
        VideoShape.Check(batch, "GanMethod validation batch", model.Config.Channels, model.Config.ImageSize, model.Config.ImageSize);
        var fake = model.Generator.call(model.Generator.DrawLatents((int)batch.shape[0], (int)batch.shape[1]));
        var fakeFrames = RandomFrames(fake);
        var (lossImage, realImage, fakeImage) = DiscriminatorLoss(model.ImageDiscriminator.call(RandomFrames(batch)), model.ImageDiscriminator.call(fakeFrames));
        var (lossVideo, realVideo, fakeVideo) = DiscriminatorLoss(model.VideoDiscriminator.call(batch), model.VideoDiscriminator.call(fake));
        var lossG = GeneratorLoss(model.ImageDiscriminator.call(fakeFrames)) + GeneratorLoss(model.VideoDiscriminator.call(fake));
        return new Dictionary<string, double>
        {
            ["loss"] = lossG.item<float>(),
            ["d_loss"] = (lossImage + lossVideo).item<float>(),
            ["d_real"] = (realImage + realVideo) / 2,
            ["d_fake"] = (fakeImage + fakeVideo) / 2,
        };
    }

    /// <summary>
    /// Clips to look at (see <see cref="ISampleMethod"/>): <c>sampled</c> (fixed seed, so
    /// successive validations show the same latents), <c>fixed_content</c> (one content, several motions)
    /// and <c>fixed_motion</c> (several contents, one motion).
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Samples(Tensor batch) => new Dictionary<string, Tensor>
    {
        ["sampled"] = model.Sample(4, seed: 0, frames: (int)batch.shape[1]),
        ["fixed_content"] = model.SampleFixedContent(4, seed: 1),
        ["fixed_motion"] = model.SampleFixedMotion(4, seed: 2),
    };

    /// <summary>One random frame per clip: <c>(B, T, C, H, W)</c> → <c>(B, C, H, W)</c> (MoCoGAN's image sampler).</summary>
    static Tensor RandomFrames(Tensor clips)
    {
        var index = randint(clips.shape[1], [clips.shape[0]], device: clips.device);  // (B)
        return clips[arange(clips.shape[0], device: clips.device), index];             // (B, C, H, W)
    }

    (Tensor Loss, double Real, double Fake) DiscriminatorLoss(Tensor real, Tensor fake)
    {
        var loss = model.Config.Loss == GanLoss.Hinge
            ? nn.functional.relu(1 - real).mean() + nn.functional.relu(1 + fake).mean()
            : nn.functional.softplus(-real).mean() + nn.functional.softplus(fake).mean();
        return (loss, real.sigmoid().mean().item<float>(), fake.sigmoid().mean().item<float>());  // mean σ(D(x)), for plots
    }

    Tensor GeneratorLoss(Tensor fake) =>
        model.Config.Loss == GanLoss.Hinge ? -fake.mean() : nn.functional.softplus(-fake).mean();
}
