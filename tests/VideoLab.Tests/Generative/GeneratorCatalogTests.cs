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
