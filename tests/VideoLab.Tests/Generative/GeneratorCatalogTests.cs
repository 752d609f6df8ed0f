using VideoLab.Models;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tests.Generative;

public class GeneratorCatalogTests
{
    [Theory]
    [InlineData("mocogan", typeof(MoCoGan), typeof(GanMethod))]
    [InlineData("vqvae", typeof(VqVae), typeof(VqVaeMethod))]
    public void Each_generator_builds_from_its_tiny_config_and_gets_its_training_method(string name, Type model, Type method)
    {
        var entry = ModelRegistry.Get(name);
        using var module = entry.Build(entry.TinyConfig);
        Assert.IsType(model, module);
        Assert.NotNull(entry.Method);
        Assert.IsType(method, entry.Method!(module, new MethodSettings()));
        // The config survives the JSON round trip checkpoints use.
        var json = System.Text.Json.JsonSerializer.Serialize(entry.TinyConfig, entry.ConfigType, ModelRegistry.Json);
        Assert.Equal(entry.TinyConfig, System.Text.Json.JsonSerializer.Deserialize(json, entry.ConfigType, ModelRegistry.Json));
    }

    [Fact]
    public void The_tiny_prior_models_the_code_grid_of_the_tiny_vqvae_and_says_what_it_needs()
    {
        var entry = ModelRegistry.Get("vqvae-prior");
        using var prior = (CodePrior)entry.Build(entry.TinyConfig);
        using var vqvae = (VqVae)ModelRegistry.Get("vqvae").Build(ModelRegistry.TinyVqVae);
        var c = prior.Config;
        Assert.Equal(vqvae.LatentShape(c.Frames, c.Height, c.Width), (c.GridFrames, c.GridHeight, c.GridWidth));
        var e = Assert.Throws<ArgumentException>(() => entry.Method!(prior, new MethodSettings()));
        Assert.Contains("vqvae", e.Message);
        using var clips = rand(new long[] { 1, c.Frames, 1, c.Height, c.Width });
        var method = new PriorMethod(prior, vqvae, new MethodSettings());
        Assert.Equal(new long[] { 1, c.GridFrames, c.GridHeight, c.GridWidth }, method.Codes(clips).shape);
    }
}

public class GenerativeSampleTests
{
    static void AssertClips(IReadOnlyDictionary<string, Tensor> samples, long channels, long size, params string[] labels)
    {
        Assert.Equal(labels.Order(), samples.Keys.Order());
        foreach (var (label, clips) in samples)
        {
            Assert.Equal(5, clips.dim());
            Assert.Equal(new[] { channels, size, size }, clips.shape[2..]);
            Assert.True(clips.min().item<float>() >= 0 && clips.max().item<float>() <= 1, $"{label} leaves [0, 1]");
        }
    }

    [Fact]
    public void Each_method_shows_labelled_clips_in_the_video_layout()
    {
        using var _ = no_grad();
        using var batch = rand(new long[] { 2, 4, 1, 16, 16 });
        using var gan = new MoCoGan(new MoCoGanConfig(ImageSize: 16, Frames: 4, ContentDim: 4, MotionDim: 2, NoiseDim: 2, GeneratorWidth: 4, DiscriminatorWidth: 4));
        gan.eval();
        AssertClips(new GanMethod(gan, new MethodSettings()).Samples(batch), 1, 16, "sampled", "fixed_content", "fixed_motion");

        using var vqvae = new VqVae(VqVaeTests.Tiny);
        vqvae.eval();
        AssertClips(new VqVaeMethod(vqvae, new MethodSettings()).Samples(batch), 1, 16, "input", "reconstruction");

        using var prior = new CodePrior(new CodePriorConfig(CodebookSize: 16, Frames: 4, Height: 16, Width: 16, Layers: 1, Heads: 1, Embedding: 8, Dropout: 0));
        prior.eval();
        AssertClips(new PriorMethod(prior, vqvae, new MethodSettings()).Samples(batch), 1, 16, "reconstruction", "continued", "sampled");
    }
}
