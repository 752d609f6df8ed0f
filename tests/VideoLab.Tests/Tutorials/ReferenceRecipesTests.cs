using VideoLab.Models;
using VideoLab.Runtime;
using VideoLab.Tutorials;
using static TorchSharp.torch;

namespace VideoLab.Tests.Tutorials;

public sealed class ReferenceRecipesTests
{
    // The recipes at the ci-mode (tiny) sizes and two steps each: the script's path end to end, in seconds.
    [Fact]
    public void Each_recipe_makes_a_loadable_reference_and_makes_the_same_weights_twice()
    {
        lock (Runtime.SeedLock.Gate)
        {
            using var first = new Data.TempFolder();
            using var second = new Data.TempFolder();
            var data = TutorialData.Open(LabMode.Ci);
            var hashes = new List<string>();
            foreach (var name in ReferenceRecipes.Names)
            {
                string hash = ReferenceRecipes.Make(name, data, LabMode.Ci, first.Path, steps: 2);
                Assert.Equal(hash, ReferenceRecipes.Make(name, data, LabMode.Ci, second.Path, steps: 2));  // bit for bit, same threads
                hashes.Add(hash);
                var loaded = TutorialReferences.Load(name, first.Path)!;
                Assert.Equal((2L, $"notebooks/reference/make.sh {name}"), (loaded.Steps, loaded.Command));
                Assert.Contains("ci-mode size", loaded.Description);
            }
            Assert.Equal(ReferenceRecipes.Names.Count, hashes.Distinct().Count());

            var vqvae = (VqVae)TutorialReferences.Load("vqvae", first.Path)!.Model;
            var prior = (CodePrior)TutorialReferences.Load("vqvae-prior", first.Path)!.Model;
            Assert.Equal(vqvae.Config.CodebookSize, prior.Config.CodebookSize);  // the prior speaks the VQ-VAE's codes
            using var samples = new VqVaePriorGenerator(vqvae, prior).Sample(1, seed: 0);
            Assert.Equal(data.Shape.Frames, samples.shape[1]);

            var frameGru = TutorialReferences.Load("framegru", first.Path)!.ToRun("framegru (reference)");  // a predictor's reference, as the notebooks' tables take it
            Assert.True(double.IsFinite(frameGru.LastTrain()) && frameGru.Seconds > 0 && frameGru.Loaded);
            using var predicted = frameGru.Predictor.Predict(data.TestClips(2).narrow(1, 0, data.Context), data.Horizon);
            Assert.Equal(data.Horizon, predicted.shape[1]);
        }
    }

    [Fact]
    public void The_prior_needs_the_vqvae_reference_first_and_unknown_names_are_refused()
    {
        using var empty = new Data.TempFolder();
        var data = TutorialData.Open(LabMode.Ci);
        var e = Assert.Throws<InvalidOperationException>(() => ReferenceRecipes.Make("vqvae-prior", data, LabMode.Ci, empty.Path, steps: 1));
        Assert.Contains("make 'vqvae' first", e.Message);
        var unknown = Assert.Throws<ArgumentException>(() => ReferenceRecipes.Steps("convlstm"));
        Assert.Contains("mocogan, vqvae, vqvae-prior", unknown.Message);
        Assert.Empty(Directory.GetFiles(empty.Path));
    }
}
