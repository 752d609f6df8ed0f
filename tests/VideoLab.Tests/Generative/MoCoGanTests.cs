using VideoLab.Models;
using VideoLab.Modules;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tests.Generative;

public class MoCoGanTests
{
    static readonly MoCoGanConfig Tiny = new(Channels: 1, ImageSize: 16, Frames: 4, ContentDim: 8, MotionDim: 4, NoiseDim: 4,
                                            GeneratorWidth: 8, DiscriminatorWidth: 8);
    static readonly StepContext Step0 = new(0, 0, null, null);

    static Dictionary<string, Tensor> Snapshot(nn.Module module) =>
        module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    static List<string> Changed(nn.Module module, Dictionary<string, Tensor> before) =>
        module.named_parameters().Where(p => !TensorCompare.Same(p.parameter.detach(), before[p.name])).Select(p => p.name).ToList();

    [Fact]
    public void Samples_have_the_video_layout_and_values_in_the_unit_range()
    {
        using var gan = new MoCoGan(Tiny);
        gan.eval();
        using var clips = gan.Sample(3, seed: 7);
        Assert.Equal(new long[] { 3, 4, 1, 16, 16 }, clips.shape);
        Assert.True(clips.min().item<float>() >= 0f && clips.max().item<float>() <= 1f);
        using var longer = gan.Sample(2, seed: 7, frames: 9);
        Assert.Equal(new long[] { 2, 9, 1, 16, 16 }, longer.shape);
    }

    [Fact]
    public void Discriminators_give_one_score_per_sample()
    {
        using var gan = new MoCoGan(Tiny);
        using var frames = rand(5, 1, 16, 16);
        using var clips = rand(new long[] { 3, 4, 1, 16, 16 });
        using var longClips = rand(new long[] { 2, 7, 1, 16, 16 });
        Assert.Equal(new long[] { 5 }, gan.ImageDiscriminator.call(frames).shape);
        Assert.Equal(new long[] { 3 }, gan.VideoDiscriminator.call(clips).shape);
        Assert.Equal(new long[] { 2 }, gan.VideoDiscriminator.call(longClips).shape);
        Assert.Throws<VideoShapeException>(() => gan.VideoDiscriminator.call(frames));
    }

    [Theory]
    [InlineData(GanLoss.NonSaturating)]
    [InlineData(GanLoss.Hinge)]
    public void A_discriminator_step_changes_only_the_discriminators_and_a_generator_step_only_the_generator(GanLoss loss)
    {
        using var gan = new MoCoGan(Tiny with { Loss = loss });
        gan.train();
        var method = new GanMethod(gan, new MethodSettings(LearningRate: 1e-2, DiscriminatorLearningRate: 2e-2));
        using var real = rand(new long[] { 2, 4, 1, 16, 16 });

        var g0 = Snapshot(gan.Generator);
        var di0 = Snapshot(gan.ImageDiscriminator);
        var dv0 = Snapshot(gan.VideoDiscriminator);
        var dStep = method.DiscriminatorStep(real, Step0);
        Assert.True(double.IsFinite(dStep["d_loss"]));
        Assert.Empty(Changed(gan.Generator, g0));
        // Both discriminators learn. (Not necessarily every tensor: under the hinge loss the score
        // bias gets exactly zero gradient while every real score is < 1 and every fake one > −1.)
        Assert.NotEmpty(Changed(gan.ImageDiscriminator, di0));
        Assert.NotEmpty(Changed(gan.VideoDiscriminator, dv0));

        var g1 = Snapshot(gan.Generator);
        var di1 = Snapshot(gan.ImageDiscriminator);
        var dv1 = Snapshot(gan.VideoDiscriminator);
        // Mark D's gradients (left by its step): a generator step that computed or cleared them would change the mark.
        var discriminatorParameters = gan.ImageDiscriminator.parameters().Concat(gan.VideoDiscriminator.parameters()).ToList();
        Assert.All(discriminatorParameters, p => Assert.NotNull(p.grad));
        foreach (var p in discriminatorParameters) p.grad!.fill_(7);
        var gStep = method.GeneratorStep(2, 4, Step0);
        Assert.True(double.IsFinite(gStep["g_loss"]));
        // The discriminators were frozen for the generator step (no weight gradients computed) and are trainable again.
        Assert.All(discriminatorParameters, p =>
        {
            Assert.True(p.requires_grad);
            Assert.True(p.grad!.eq(7).all().item<bool>(), "a generator step must leave D's weight gradients alone");
        });
        Assert.Empty(Changed(gan.ImageDiscriminator, di1));
        Assert.Empty(Changed(gan.VideoDiscriminator, dv1));
        Assert.NotEmpty(Changed(gan.Generator, g1));
        // The GRU (motion path) and the image generator both learn.
        Assert.Contains(Changed(gan.Generator, g1), n => n.StartsWith("motion"));
        Assert.Contains(Changed(gan.Generator, g1), n => n.StartsWith("image"));
    }

    [Fact]
    public void The_same_seed_gives_the_same_samples_and_another_seed_other_samples()
    {
        using var gan = new MoCoGan(Tiny);
        gan.eval();
        using var a = gan.Sample(2, seed: 11);
        using var b = gan.Sample(2, seed: 11);
        using var c = gan.Sample(2, seed: 12);
        Assert.True(TensorCompare.Same(a, b));
        Assert.False(TensorCompare.Same(a, c));
    }

    [Fact]
    public void Fixed_content_sampling_and_interpolation_keep_what_they_promise()
    {
        using var gan = new MoCoGan(Tiny);
        gan.eval();
        using var sameContent = gan.SampleFixedContent(3, seed: 5);
        Assert.Equal(new long[] { 3, 4, 1, 16, 16 }, sameContent.shape);
        Assert.False(TensorCompare.Same(sameContent[0], sameContent[1]));  // motions differ

        using var a = gan.DrawContent(1);
        using var b = gan.DrawContent(2);
        using var path = gan.Interpolate(a, b, steps: 4, motionSeed: 3);
        Assert.Equal(new long[] { 4, 4, 1, 16, 16 }, path.shape);
        using var again = gan.Interpolate(a, b, steps: 4, motionSeed: 3);
        Assert.True(TensorCompare.Same(path, again));
        using var reversed = gan.Interpolate(b, a, steps: 4, motionSeed: 3);
        Assert.True(path[0].allclose(reversed[3], rtol: 1e-4, atol: 1e-5));  // endpoints are the pure contents
        Assert.Throws<ArgumentException>(() => gan.Interpolate(a, b, steps: 1));
    }

    [Fact]
    public void Spectral_norm_finds_the_largest_singular_value_and_divides_the_weight_by_it()
    {
        using var layer = SpectralNormLayer.Conv2d(3, 6, 3, stride: 1, padding: 1);
        var weight = layer.parameters().First(p => p.dim() == 4);             // (6, 3, 3, 3)
        // A weight with a clear gap between σ1 and σ2, so 30 power iterations surely converge.
        using (no_grad())
        {
            using var a = nn.functional.normalize(randn(6), dim: 0);
            using var b = nn.functional.normalize(randn(27), dim: 0);
            weight.copy_((0.1 * randn(6, 27) + 5 * a.outer(b)).view(6, 3, 3, 3));
        }
        layer.train();
        using var x = rand(2, 3, 8, 8);
        for (int i = 0; i < 30; i++) layer.call(x).Dispose();
        using var exact = linalg.svdvals(weight.detach().flatten(1)).max();
        Assert.Equal(exact.item<float>(), layer.Sigma(), 0.001 * exact.item<float>());

        layer.eval();
        using var y = layer.call(x);
        using var expected = nn.functional.conv2d(x, weight.detach() / exact, layer.parameters().First(p => p.dim() == 1).detach(), padding: [1, 1]);
        Assert.True(y.allclose(expected, rtol: 1e-3, atol: 1e-4));
    }

    [Fact]
    public void Spectral_norm_starts_from_warm_up_power_iterations_as_PyTorchs_parametrization()
    {
        // Before any forward pass σ already estimates the largest singular value of the initial weight: after 15 power
        // iterations on random 32 × 256 matrices the error is ~1% on average (a random u alone: ~20%, up to 30-50%).
        var errors = new List<double>();
        for (int seed = 0; seed < 5; seed++)
        {
            manual_seed(seed);
            using var layer = SpectralNormLayer.Conv2d(16, 32, 4, stride: 2, padding: 1);
            var weight = layer.parameters().First(p => p.dim() == 4);          // (32, 16, 4, 4)
            using var exact = linalg.svdvals(weight.detach().flatten(1)).max();
            errors.Add(Math.Abs(layer.Sigma() - exact.item<float>()) / exact.item<float>());
        }
        Assert.True(errors.Max() < 0.10 && errors.Average() < 0.04, $"relative errors of σ: {string.Join(", ", errors.Select(e => e.ToString("F3")))}");
    }
}
