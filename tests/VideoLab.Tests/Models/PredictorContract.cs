using TorchSharp;
using VideoLab.Models;
using VideoLab.Modules;
using VideoLab.Tests.Runtime;
using static TorchSharp.torch;

namespace VideoLab.Tests.Models;

/// <summary>
/// The checks every predictor must pass (issue 5): shapes for several (context, horizon) pairs, a rollout
/// longer than training, gradients to every parameter, overfitting one batch, save → load, clear shape
/// errors, and its registry entry. One small class per model derives from it and names the tiny config.
/// </summary>
public abstract class PredictorContract
{
    /// <summary>The registry name of the model under test.</summary>
    protected abstract string RegistryName { get; }

    /// <summary>The tiny config under test (16×16 or smaller, a few channels).</summary>
    protected virtual IPredictorConfig Config => (IPredictorConfig)ModelRegistry.Get(RegistryName).TinyConfig;

    /// <summary>The most Adam steps and the learning rate of the overfit test (it stops once the loss fell by 90%).</summary>
    protected virtual (int Steps, double LearningRate) Overfit => (300, 1e-2);

    /// <summary>Whether the model feeds frames back one at a time (and so honours teacher forcing).</summary>
    protected virtual bool FeedsFramesBack => true;

    protected PredictorModule Build(long seed = 7)
    {
        lock (SeedLock.Gate)
        {
            torch.random.manual_seed(seed);
            return (PredictorModule)ModelRegistry.Get(RegistryName).Build(Config);
        }
    }

    protected Tensor Clips(int frames, int batch = 2, int seed = 1) =>
        TestClips.MovingSquares(batch, frames, Config.Channels, Config.Height, seed)
            .narrow(4, 0, Config.Width);  // (B, T, C, H, W)

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(2, 5)]
    public void Predicts_the_requested_frames_for_any_context_and_horizon(int context, int horizon)
    {
        using var model = Build();
        using var _ = no_grad();
        using var clip = Clips(context);
        using var predicted = model.Predict(clip, horizon);
        Assert.Equal(new long[] { 2, horizon, Config.Channels, Config.Height, Config.Width }, predicted.shape);
        Assert.True(predicted.isfinite().all().item<bool>(), "the prediction has NaN or infinite values");
    }

    [Fact]
    public void A_rollout_longer_than_training_starts_with_the_trained_horizon()
    {
        using var model = Build();
        model.eval();
        using var _ = no_grad();
        using var clip = Clips(Config.ContextFrames);
        using var trained = model.forward(clip);                          // (B, Horizon, C, H, W)
        using var longer = model.Predict(clip, 3 * Config.Horizon + 1);    // (B, 3·Horizon + 1, C, H, W)
        Assert.Equal(3 * Config.Horizon + 1, longer.shape[1]);
        Assert.Equal(Config.Horizon, trained.shape[1]);
        Assert.True(longer.isfinite().all().item<bool>(), "the long rollout has NaN or infinite values");
        using var prefix = longer.narrow(1, 0, Config.Horizon);
        Assert.True(prefix.allclose(trained, rtol: 1e-4, atol: 1e-5),
            $"the first {Config.Horizon} frames of a long rollout differ from forward's: max difference " +
            $"{(prefix - trained).abs().max().item<float>()}");
    }

    [Fact]
    public void Teacher_forcing_feeds_the_true_frames_and_probability_zero_feeds_the_predictions()
    {
        using var model = Build();
        model.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var clip = Clips(Config.ContextFrames + 3);
        var context = clip.narrow(1, 0, Config.ContextFrames);
        var truth = clip.narrow(1, Config.ContextFrames, 3);
        var free = model.Predict(context, 3);
        Assert.True(model.Predict(context, 3, new TeacherForcing(truth, 0)).allclose(free, atol: 1e-6),
            "teacher forcing with probability 0 must give the free-running prediction");
        var forced = model.Predict(context, 3, new TeacherForcing(truth, 1));
        if (!FeedsFramesBack)
        {
            Assert.True(forced.allclose(free, atol: 1e-6), "a model that predicts all frames at once ignores the teacher");
            return;
        }
        // With probability 1, frame k is predicted from the context and the true frames before k.
        for (int k = 1; k < 3; k++)
        {
            var longerContext = cat([context, truth.narrow(1, 0, k)], 1);
            Assert.True(forced.select(1, k).allclose(model.Predict(longerContext, 1).select(1, 0), rtol: 1e-4, atol: 1e-5),
                $"teacher-forced frame {k} differs from a prediction with the true frames as context");
        }
    }

    [Fact]
    public void Gradients_reach_every_parameter()
    {
        using var model = Build();
        model.train();
        using var scope = NewDisposeScope();
        var clip = Clips(Config.ContextFrames + Config.Horizon);
        var context = clip.narrow(1, 0, Config.ContextFrames);
        var future = clip.narrow(1, Config.ContextFrames, Config.Horizon);
        var loss = nn.functional.mse_loss(model.Predict(context, Config.Horizon, new TeacherForcing(future, 0.5)), future);
        loss.backward();
        var missing = model.named_parameters()
            .Where(p => p.parameter.grad is null || p.parameter.grad.abs().sum().item<float>() == 0f)
            .Select(p => p.name).ToList();
        Assert.True(missing.Count == 0, $"no gradient reaches: {string.Join(", ", missing)}");
        Assert.NotEmpty(model.parameters());
    }

    [Fact]
    public void Overfits_one_batch()
    {
        using var model = Build();
        model.train();
        using var clip = Clips(Config.ContextFrames + Config.Horizon);
        using var context = clip.narrow(1, 0, Config.ContextFrames);
        using var future = clip.narrow(1, Config.ContextFrames, Config.Horizon);
        using var optimizer = optim.Adam(model.parameters(), lr: Overfit.LearningRate);
        double first = double.NaN, last = double.NaN;
        int step;
        for (step = 0; step < Overfit.Steps && !(last <= 0.1 * first); step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.Predict(context, Config.Horizon), future);
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (step == 0) first = last;
        }
        Assert.True(last <= 0.1 * first, $"the loss fell from {first:G4} to {last:G4} in {step} steps, less than 90%");
    }

    [Fact]
    public void Save_then_load_gives_identical_outputs()
    {
        var path = Path.Combine(Path.GetTempPath(), $"videolab-{RegistryName}-{Guid.NewGuid():N}.bin");
        try
        {
            using var original = Build(seed: 1);
            using var restored = Build(seed: 2);
            original.eval();
            restored.eval();
            using var _ = no_grad();
            using var clip = Clips(Config.ContextFrames);
            using var before = restored.Predict(clip, 2);
            using var expected = original.Predict(clip, 2);
            Assert.False(before.eq(expected).all().item<bool>(), "two seeds gave the same weights: the test could not fail");
            original.save(path);
            restored.load(path);
            using var actual = restored.Predict(clip, 2);
            Assert.True(actual.eq(expected).all().item<bool>(), "the loaded model predicts differently from the saved one");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_wrong_input_shape_names_the_expected_and_the_actual_shape()
    {
        using var model = Build();
        using var _ = no_grad();
        var c = Config;
        var expected = $"(B, T, {c.Channels}, {c.Height}, {c.Width})";
        foreach (var shape in new long[][]
                 {
                     [2, c.Channels, c.Height, c.Width],                 // a batch of frames, not of clips
                     [2, 3, c.Channels + 1, c.Height, c.Width],          // wrong channels
                     [2, 3, c.Channels, c.Height + 2, c.Width],          // wrong height
                 })
        {
            using var bad = zeros(shape);
            var e = Assert.Throws<VideoShapeException>(() => model.Predict(bad, 2));
            Assert.Contains(expected, e.Message);
            Assert.Contains(VideoShape.Format(shape), e.Message);
        }
        using var clip = Clips(3);
        using var wrongTruth = zeros([2, 3, c.Channels, c.Height, c.Width]);
        var t = Assert.Throws<VideoShapeException>(() => model.Predict(clip, 2, new TeacherForcing(wrongTruth, 1)));
        Assert.Contains(VideoShape.Format(wrongTruth.shape), t.Message);
    }

    [Fact]
    public void The_registry_builds_it_from_json_and_fits_it_to_other_data()
    {
        var entry = ModelRegistry.Get(RegistryName);
        Assert.IsAssignableFrom<IPredictorConfig>(entry.DefaultConfig);
        var json = System.Text.Json.JsonSerializer.Serialize(Config, entry.ConfigType, ModelRegistry.Json);
        using var fromJson = (PredictorModule)entry.BuildFromJson(json);
        Assert.Equal(Config, ((dynamic)fromJson).Config);

        var fitted = (IPredictorConfig)ModelRegistry.FitToData(Config, 2, Config.Height, Config.Width, 2, 3);
        Assert.Equal((2, 2, 3), (fitted.Channels, fitted.ContextFrames, fitted.Horizon));
        using var model = (PredictorModule)entry.Build(fitted);
        using var _ = no_grad();
        using var clip = TestClips.MovingSquares(1, 2, 2, Config.Height, 3).narrow(4, 0, Config.Width);
        using var predicted = model.forward(clip);
        Assert.Equal(new long[] { 1, 3, 2, Config.Height, Config.Width }, predicted.shape);
    }
}

public sealed class ConvLstmTests : PredictorContract
{
    protected override string RegistryName => "convlstm";
}

public sealed class ConvGruTests : PredictorContract
{
    protected override string RegistryName => "convgru";
}

public sealed class PredRnnTests : PredictorContract
{
    protected override string RegistryName => "predrnn";
}

public sealed class FrameLstmTests : PredictorContract
{
    protected override string RegistryName => "framelstm";
}

public sealed class FrameGruTests : PredictorContract
{
    protected override string RegistryName => "framegru";
}

public sealed class SimVpTests : PredictorContract
{
    protected override bool FeedsFramesBack => false;
    protected override string RegistryName => "simvp";
}

public sealed class TauTests : PredictorContract
{
    protected override bool FeedsFramesBack => false;
    protected override string RegistryName => "tau";
}

public sealed class SimVpAttentionTests : PredictorContract
{
    protected override bool FeedsFramesBack => false;
    protected override string RegistryName => "simvp-attention";
    protected override (int Steps, double LearningRate) Overfit => (300, 3e-3);
}

public sealed class VideoTransformerTests : PredictorContract
{
    protected override string RegistryName => "transformer";
    protected override (int Steps, double LearningRate) Overfit => (300, 3e-3);
}

public sealed class Conv3dPredictorTests : PredictorContract
{
    protected override bool FeedsFramesBack => false;
    protected override string RegistryName => "conv3d";
}
