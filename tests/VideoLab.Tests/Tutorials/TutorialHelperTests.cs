using VideoLab.Data;
using VideoLab.Models;
using VideoLab.Plots;
using VideoLab.Runtime;
using VideoLab.Training;
using VideoLab.Tutorials;
using static TorchSharp.torch;

namespace VideoLab.Tests.Tutorials;

public sealed class TutorialHelperTests
{
    [Fact]
    public void Copy_last_frame_repeats_the_last_context_frame_and_zeros_are_black()
    {
        using var scope = NewDisposeScope();
        var context = rand(new long[] { 2, 3, 1, 8, 8 });
        var copied = new CopyLastFrame().Predict(context, 4);
        Assert.Equal(new long[] { 2, 4, 1, 8, 8 }, copied.shape);
        for (int k = 0; k < 4; k++) Assert.True(copied.select(1, k).equal(context.select(1, 2)).all().all().item<bool>());
        var black = new ZeroFrames().Predict(context, 2);
        Assert.Equal(new long[] { 2, 2, 1, 8, 8 }, black.shape);
        Assert.Equal(0f, black.abs().max().item<float>());
        Assert.Throws<Modules.VideoShapeException>(() => new CopyLastFrame().Predict(rand(new long[] { 3, 1, 8, 8 }), 2));
    }

    [Fact]
    public void Comparison_scores_a_perfect_predictor_better_than_the_baselines_and_in_OpenSTL_units()
    {
        using var scope = NewDisposeScope();
        // Clips whose frames never change: copy-last-frame is exact (zero error), zeros has the frames' energy as MSE.
        var frame = rand(new long[] { 4, 1, 1, 12, 12 });
        var clips = frame.expand(-1, 6, -1, -1, -1).contiguous();                   // (4, 6, 1, 12, 12)
        var comparison = Comparison.Evaluate([("copy", (nn.Module)new CopyLastFrame()), ("zeros", new ZeroFrames())], clips, 3, 3, batchSize: 3);
        var copy = comparison.Scores.Single(s => s.Label == "copy");
        var zeros = comparison.Scores.Single(s => s.Label == "zeros");
        Assert.Equal(0, copy.Means["mse"], 6);
        Assert.Equal(100, copy.Means["psnr"], 3);                                   // exact frames count as 100 dB
        double energy = frame.square().sum([1, 2, 3, 4]).mean().item<float>();        // summed over a frame's pixels
        Assert.Equal(energy, zeros.Means["mse"], 3);
        Assert.Equal(3, zeros.Curves["mse"].Length);
        Assert.Equal(4, zeros.Clips);
        Assert.True(zeros.StandardErrors["mse"] > 0);
        var html = comparison.Table(withErrors: true).ToHtml(new Display.HtmlAssets());
        Assert.Contains("<b>0 &#177; 0</b>", html);                                 // the best MSE (0 ± 0) is bold
        Assert.Contains("vl-chart", comparison.HorizonCharts(trainedHorizon: 2).ToHtml(new Display.HtmlAssets()));
    }

    [Fact]
    public void Sharpness_ratio_is_one_for_the_truth_and_below_one_for_a_blur()
    {
        using var scope = NewDisposeScope();
        var truth = (rand(new long[] { 2, 3, 1, 16, 16 }) > 0.5).to(float32);
        Assert.All(Sharpness.Ratio(truth, truth), r => Assert.Equal(1.0, r, 6));
        var blurred = nn.functional.avg_pool2d(truth.flatten(0, 1), 3, stride: 1, padding: 1).view(2, 3, 1, 16, 16);
        Assert.All(Sharpness.Ratio(blurred, truth), r => Assert.InRange(r, 0.0, 0.9));
    }

    [Fact]
    public void Slerp_keeps_the_norm_of_unit_vectors_where_linear_interpolation_shrinks_it()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 0 });
        var b = tensor(new float[] { 0, 1 });
        Assert.Equal(1.0, Latents.Slerp(a, b, 0.5).norm().item<float>(), 5);
        Assert.Equal(Math.Sqrt(0.5), Latents.Lerp(a, b, 0.5).norm().item<float>(), 5);
        Assert.True(Latents.Slerp(a, b, 0).allclose(a));
        Assert.True(Latents.Slerp(a, b, 1).allclose(b, atol: 1e-6));
    }

    [Fact]
    public void Ci_tutorial_data_is_small_shapes_with_a_separate_test_seed_and_longer_test_clips()
    {
        using var scope = NewDisposeScope();
        var data = TutorialData.Open(LabMode.Ci);
        Assert.Equal("shapes", data.Name);
        Assert.Equal(new ClipShape(10, 3, 32, 32), data.Shape);
        Assert.Equal((5, 5), (data.Context, data.Horizon));
        Assert.False(data.Train.GetClip(0).equal(data.Test.GetClip(0)).all().all().item<bool>());
        var test = data.TestClips(3);
        Assert.Equal(new long[] { 3, 10, 3, 32, 32 }, test.shape);
        var longer = data.LongTestClips(20, 2);
        Assert.Equal(new long[] { 2, 20, 3, 32, 32 }, longer.shape);
        Assert.True(longer[0].narrow(0, 0, 10).equal(test[0]).all().all().item<bool>());   // the same clip, only longer
        Assert.Throws<ArgumentOutOfRangeException>(() => data.TestClips(33));
    }

    [Fact]
    public void Cpu_tutorial_data_has_the_clips_of_ci_mode_and_more_of_them()
    {
        using var scope = NewDisposeScope();
        var (ci, cpu) = (TutorialData.Open(LabMode.Ci), TutorialData.Open(LabMode.Cpu));
        Assert.Equal(ci.Shape, cpu.Shape);
        Assert.Equal((ci.Context, ci.Horizon), (cpu.Context, cpu.Horizon));
        Assert.True(cpu.Train.Count > 10 * ci.Train.Count && cpu.Test.Count > ci.Test.Count);
        Assert.True(cpu.TestClips(1).equal(ci.TestClips(1)).all().item<bool>());           // the same generator and seed
    }

    [Fact]
    public void Models_have_a_size_per_mode_between_tiny_and_published()
    {
        var clips = TutorialData.Open(LabMode.Cpu);
        object Fitted(ModelEntry entry, LabMode mode) => ModelSetup.FitToData(entry, TutorialModels.Config(entry.Name, mode), clips.Shape, clips.Context, clips.Horizon);
        foreach (var entry in ModelRegistry.All)
        {
            using var tiny = entry.Build(Fitted(entry, LabMode.Ci));
            using var cpu = entry.Build(Fitted(entry, LabMode.Cpu));
            Assert.Same(entry.DefaultConfig, TutorialModels.Config(entry.Name, LabMode.Gpu));
            long Count(nn.Module m) => m.parameters().Sum(p => p.numel());
            Assert.True(Count(cpu) >= Count(tiny), $"{entry.Name}: cpu size {Count(cpu):N0} below the tiny one {Count(tiny):N0}");
            Assert.True(Count(cpu) < 2_000_000, $"{entry.Name}: {Count(cpu):N0} parameters is too many for cpu mode");
        }
    }

    [Fact]
    public void Per_mode_values_budgets_and_the_verdict_follow_the_mode_and_the_scores()
    {
        var previous = Lab.Mode;
        var runs = Environment.GetEnvironmentVariable(TutorialPaths.RunsVariable);
        using var dir = new Data.TempFolder();
        Environment.SetEnvironmentVariable(TutorialPaths.RunsVariable, dir.Path);
        try
        {
            Lab.Mode = LabMode.Cpu;
            Assert.Equal("b", Tutorial.PerMode("a", "b", "c"));
            Assert.Equal(1_500, Tutorial.Budget(ci: 30, cpu: 1_500, gpu: 20_000).Steps);
            Assert.Equal(Path.Combine(dir.Path, "cpu", "x"), TutorialPaths.RunDirectory("x"));
            Lab.Mode = LabMode.Ci;
            Assert.Equal(30, Tutorial.Budget(ci: 30, cpu: 1_500, gpu: 20_000).Steps);
            Assert.Contains("mode: ci", Tutorial.Report().ToHtml(new Display.HtmlAssets()));

            using var scope = NewDisposeScope();
            // Clips whose frames never change: a model that copies the last frame is exact and beats all black by any margin.
            var frame = rand(new long[] { 6, 1, 1, 12, 12 });
            var clips = frame.expand(-1, 6, -1, -1, -1).contiguous();
            var scores = Comparison.Evaluate([("copier", (nn.Module)new CopyLastFrame()), .. Baselines.Create().Where(b => b.Name == Baselines.AllBlack)], clips, 3, 3);
            var html = scores.Verdict("test-verdict", mseMargin: 0.5, ssimMargin: 0.1).ToHtml(new Display.HtmlAssets());
            Assert.Contains("✓", html);
            Assert.Contains("1 of 1 models beat every baseline", html);
            var recorded = TutorialResults.Read().Single();
            Assert.Equal("test-verdict", (string?)recorded["name"]);
            Assert.Equal("ci", (string?)recorded["mode"]);
            Assert.True((bool)recorded["values"]!["scores"]!["copier"]!["pass"]!);
            var failing = Comparison.Evaluate([("black", (nn.Module)new ZeroFrames()), .. Baselines.Create()], clips, 3, 3);
            Assert.Contains("✗", failing.Verdict("test-verdict-2", mseMargin: 0.1, ssimMargin: 0.01).ToHtml(new Display.HtmlAssets()));
            Assert.Throws<ArgumentException>(() => scores.Verdict("x", 0.1, 0.01, baselines: ["no such baseline"]));
        }
        finally
        {
            Lab.Mode = previous;
            Environment.SetEnvironmentVariable(TutorialPaths.RunsVariable, runs);
        }
    }

    [Fact]
    public void A_model_trained_by_a_notebook_loop_is_saved_as_a_run_that_loads_back()
    {
        var previous = Lab.Mode;
        var runs = Environment.GetEnvironmentVariable(TutorialPaths.RunsVariable);
        using var dir = new Data.TempFolder();
        Environment.SetEnvironmentVariable(TutorialPaths.RunsVariable, dir.Path);
        try
        {
            Lab.Mode = LabMode.Ci;
            using var scope = NewDisposeScope();
            var data = TutorialData.Open(LabMode.Ci);
            var entry = ModelRegistry.Get("conv3d");
            var config = ModelSetup.FitToData(entry, TutorialModels.Config("conv3d"), data.Shape, data.Context, data.Horizon);
            var model = (Conv3dPredictor)entry.Build(config);
            var saved = Tutorial.Save("conv3d", "3D-conv", model, ModelSpec.Of(entry, config), data, [(10L, 0.5), (20L, 0.25)], seconds: 4);
            Assert.Equal(20, saved.Steps);
            Assert.False(Directory.Exists(saved.Directory + ".saving"));
            var loaded = Tutorial.Load("conv3d", fits: data)!;
            Assert.Equal([0.5, 0.25], loaded.History.Select(r => r.Values["loss"]));
            Assert.Equal(20, loaded.Steps);
            model.eval();
            var context = data.TestClips(2).narrow(1, 0, data.Context);
            using (no_grad())
                Assert.True(model.Predict(context, data.Horizon).equal(loaded.Predictor.Predict(context, data.Horizon)).all().item<bool>());
            Assert.Null(Tutorial.Load("conv3d", fits: TutorialData.Open(LabMode.Ci, frames: 20) with { Context = 4 }));  // other clips: not reused
        }
        finally
        {
            Lab.Mode = previous;
            Environment.SetEnvironmentVariable(TutorialPaths.RunsVariable, runs);
        }
    }

    [Fact]
    public void Code_maps_give_each_code_its_colour_and_the_background_black()
    {
        using var scope = NewDisposeScope();
        var codes = tensor(new long[] { 0, 1, 2, 1, 0, 3, 3, 2 }).view(2, 2, 2);   // (t, h, w)
        var image = CodeMaps.Colour(codes, 4, black: 0);                          // (t, 3, h, w)
        Assert.Equal(new long[] { 2, 3, 2, 2 }, image.shape);
        Assert.Equal(0f, image[0, .., 0, 0].abs().sum().item<float>());            // code 0: black
        Assert.True(image[0, .., 0, 1].equal(image[0, .., 1, 1]).all().item<bool>());    // code 1 twice: one colour
        Assert.False(image[0, .., 0, 1].equal(image[0, .., 1, 0]).all().item<bool>());   // codes 1 and 2 differ
        var palette = CodeMaps.Palette(64);
        var colours = Enumerable.Range(0, 64).Select(i => string.Join(",", palette[i].data<float>().ToArray())).Distinct().Count();
        Assert.Equal(64, colours);                                                  // 64 distinct colours
        Assert.Throws<ArgumentException>(() => CodeMaps.Colour(codes.to(float32), 4));
    }

    [Fact]
    public void Frame_comparison_grid_has_context_truth_prediction_and_error_rows()
    {
        using var scope = NewDisposeScope();
        var clip = rand(new long[] { 6, 1, 12, 12 });
        var grid = Frames.Compare(clip, 3, 3, [("copy", (nn.Module)new CopyLastFrame())]);
        Assert.Equal(["context", "ground truth", "copy", "|error| copy"], grid.Rows.Select(r => r.Label));
        Assert.All(grid.Rows, r => Assert.Equal(3, r.Images.Count));
        Assert.StartsWith("data:image/png;base64,", grid.Rows[0].Images[0]);
    }
}
