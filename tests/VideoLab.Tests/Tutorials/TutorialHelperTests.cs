using VideoLab.Data;
using VideoLab.Models;
using VideoLab.Plots;
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
        for (int k = 0; k < 4; k++) Assert.True(copied.select(1, k).equal(context.select(1, 2)).all().item<bool>());
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
    public void Quick_tutorial_data_is_small_shapes_with_a_separate_test_seed_and_longer_test_clips()
    {
        using var scope = NewDisposeScope();
        var data = TutorialData.Open(quick: true);
        Assert.Equal("shapes", data.Name);
        Assert.Equal(new ClipShape(10, 3, 32, 32), data.Shape);
        Assert.Equal((5, 5), (data.Context, data.Horizon));
        Assert.False(data.Train.GetClip(0).equal(data.Test.GetClip(0)).all().item<bool>());
        var test = data.TestClips(3);
        Assert.Equal(new long[] { 3, 10, 3, 32, 32 }, test.shape);
        var longer = data.LongTestClips(20, 2);
        Assert.Equal(new long[] { 2, 20, 3, 32, 32 }, longer.shape);
        Assert.True(longer[0].narrow(0, 0, 10).equal(test[0]).all().item<bool>());   // the same clip, only longer
        Assert.Throws<ArgumentOutOfRangeException>(() => data.TestClips(33));
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
