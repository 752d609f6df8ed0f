using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Data;
using VideoLab.Models;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tests.Training;

/// <summary>Every registered model's reference recipe: what it says, where it comes from, and that methods train with it.</summary>
public class TrainingRecipeTests
{
    [Fact]
    public void Every_registered_model_has_a_reference_recipe_that_names_its_source_and_its_optimiser_is_built_from_it()
    {
        var clip = new ClipShape(8, 1, 16, 16);
        foreach (var entry in ModelRegistry.All)
        {
            var recipe = entry.Recipe;
            Assert.Contains(recipe.Name, new[] { "openstl", "videogpt", "mocogan" });
            Assert.True(recipe.Source.Length > 40, $"{entry.Name}: the recipe's source must say where its values come from");
            Assert.Equal(ModelSize.Default, recipe.Size);
            Assert.True(recipe.Epochs is not null || recipe.Steps is not null, $"{entry.Name}: a reference recipe has a step or epoch budget");
            if (entry.Name == "vqvae-prior") continue;  // its method needs a trained VQ-VAE (tested in the CLI tests)

            using var scope = NewDisposeScope();
            var (_, model) = ModelSetup.Build(entry.Name, ModelSize.Tiny, clip, 4, 4, CPU);
            var method = ModelSetup.Method(entry, model, recipe.ToMethodSettings());
            foreach (var optimizer in method.Optimizers.Values)
            {
                Assert.IsType<Adam>(optimizer);  // every reference uses Adam, weight decay (MoCoGAN's) added to the gradient
                var options = ((Adam.ParamGroup)optimizer.ParamGroups.First()).Options;
                Assert.Equal(recipe.LearningRate, optimizer.ParamGroups.First().LearningRate, 12);
                Assert.Equal(recipe.Beta1, options.beta1!.Value, 12);
                Assert.Equal(recipe.Beta2, options.beta2!.Value, 12);
                Assert.Equal(recipe.WeightDecay, options.weight_decay!.Value, 12);
            }
        }
    }

    [Fact]
    public void The_reference_recipes_hold_the_published_settings()
    {
        // OpenSTL configs/mmnist/*.py over openstl/utils/parser.py's defaults.
        var simvp = TrainingRecipes.Reference("simvp");
        Assert.Equal((1e-3, LrSchedule.OneCycle, 16, 200, 10_000L, 20, 64), (simvp.LearningRate, simvp.Schedule, simvp.BatchSize, simvp.Epochs!.Value, simvp.ClipsPerEpoch, simvp.Frames, simvp.ImageSize));
        var convlstm = TrainingRecipes.Reference("convlstm");
        Assert.Equal((5e-4, 50_000L), (convlstm.LearningRate, convlstm.TeacherForcingDecaySteps!.Value));
        Assert.Equal("50000", convlstm.ToMethodSettings().Option("teacher-decay-steps"));
        Assert.Equal(50_000, PredictionSettings.FromOptions(convlstm.ToMethodSettings()).Sampling!.DecaySteps);
        Assert.Equal(5e-4, TrainingRecipes.Reference("predrnn").LearningRate);
        Assert.Equal("0.1", TrainingRecipes.Reference("tau").ToMethodSettings().Option("divergence-weight"));
        // MoCoGAN's trainers.py; VideoGPT's vqvae.py and gpt.py.
        var mocogan = TrainingRecipes.Reference("mocogan");
        Assert.Equal((2e-4, 0.5, 0.999, 1e-5), (mocogan.LearningRate, mocogan.Beta1, mocogan.Beta2, mocogan.WeightDecay));
        var vqvae = TrainingRecipes.Reference("vqvae");
        Assert.Equal((3e-4, "0.06"), (vqvae.LearningRate, vqvae.ToMethodSettings().Option("data-variance")));
        Assert.Equal(LrSchedule.WarmupCosine, TrainingRecipes.Reference("vqvae-prior").Schedule);
        // Options given with the recipe win over its own.
        Assert.Equal("future", convlstm.ToMethodSettings(new Dictionary<string, string> { ["loss"] = "future" }).Option("loss"));
        // The quick CPU setting is named as such; asking a model for another source's recipe says what exists.
        Assert.Equal(ModelSize.Tiny, TrainingRecipes.Get("cpu", "simvp").Size);
        Assert.Same(TrainingRecipes.Reference("simvp"), TrainingRecipes.Get("reference", "simvp"));
        var e = Assert.Throws<ArgumentException>(() => TrainingRecipes.Get("videogpt", "simvp"));
        Assert.Contains("'openstl'", e.Message);
    }

    [Fact]
    public void Adam_adds_weight_decay_to_the_gradient_and_AdamW_decouples_it()
    {
        using var scope = NewDisposeScope();
        // One step from w = 1 with a zero gradient: Adam's L2 term moves w (its gradient is wd·w); AdamW multiplies w by 1 − lr·wd.
        foreach (var kind in new[] { OptimizerKind.Adam, OptimizerKind.AdamW })
        {
            var w = new Parameter(ones(1));
            var optimizer = new MethodSettings(LearningRate: 0.1, WeightDecay: 0.5, Optimizer: kind).CreateOptimizer([w], OptimizerKind.AdamW);
            (w * 0).sum().backward();  // a zero gradient
            optimizer.step();
            double expected = kind == OptimizerKind.Adam ? 1 - 0.1 : 1 - 0.1 * 0.5;  // Adam: the normalised step of gradient 0.5 is 1 (lr 0.1)
            Assert.Equal(expected, w.item<float>(), 4);
        }
    }
}
