using VideoLab.Models;
using VideoLab.Training;
using VideoLab.Tutorials;
using static TorchSharp.torch;

namespace VideoLab.Tests.Tutorials;

public sealed class TutorialReferencesTests
{
    [Fact]
    public void A_saved_reference_loads_with_the_same_weights_and_a_changed_file_is_refused()
    {
        using var dir = new Data.TempFolder();
        var entry = ModelRegistry.Get("convlstm");
        var config = ModelSetup.FitToData(entry, entry.TinyConfig, new VideoLab.Data.ClipShape(6, 1, 16, 16), 3, 3);
        manual_seed(0);
        var model = (ConvLstm)entry.Build(config);
        string hash = TutorialReferences.Save(dir.Path, "tiny", model, ModelSpec.Of(entry, config), "a test model", 12, "a test");
        Assert.Equal(TutorialReferences.Sha256(dir.File("tiny.weights")), hash);
        Assert.Equal(64, hash.Length);

        var loaded = TutorialReferences.Load("tiny", dir.Path)!;
        Assert.Equal((12L, "a test model", "a test", hash), (loaded.Steps, loaded.Description, loaded.Command, loaded.Sha256));
        Assert.False(loaded.Model.training);
        using var context = rand(new long[] { 2, 3, 1, 16, 16 });
        model.eval();
        using (no_grad())
            Assert.True(model.Predict(context, 3).equal(((ConvLstm)loaded.Model).Predict(context, 3)).all().item<bool>());
        Assert.Contains("12 steps", loaded.ToString());

        Assert.Null(TutorialReferences.Load("absent", dir.Path));
        var bytes = File.ReadAllBytes(dir.File("tiny.weights"));
        bytes[^5] ^= 1;
        File.WriteAllBytes(dir.File("tiny.weights"), bytes);
        var e = Assert.Throws<InvalidDataException>(() => TutorialReferences.Load("tiny", dir.Path));
        Assert.Contains("make.sh", e.Message);
    }
}
