using VideoLab.Data;
using VideoLab.Metrics;
using VideoLab.Models;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tests.Tutorials;

public sealed class ClassificationTests
{
    [Fact]
    public void Motion_directions_move_the_shape_the_way_the_label_says_and_stay_inside()
    {
        using var scope = NewDisposeScope();
        var data = new MotionDirections(new MotionDirectionsConfig(Frames: 8, Size: 32, Count: 40, Seed: 3));
        Assert.Equal(["right", "left", "down", "up"], data.Classes);
        Assert.Equal(10, Enumerable.Range(0, 40).Count(i => data.Label(i) == 2));
        for (long i = 0; i < 40; i++)
        {
            var clip = data.GetClip(i);                                               // (T, 3, H, W)
            var mask = clip.amax([1]).gt(0).to(float32);                              // (T, H, W): where the shape is
            Assert.All(Enumerable.Range(0, 8), t => Assert.True(mask[t].sum().item<float>() > 0, $"clip {i}: frame {t} has no shape"));
            var coordinates = arange(32, dtype: float32);
            var x = (mask * coordinates).sum([1, 2]) / mask.sum([1, 2]);              // (T) centroid column
            var y = (mask * coordinates.unsqueeze(1)).sum([1, 2]) / mask.sum([1, 2]); // (T) centroid row
            double dx = (x[7] - x[0]).item<float>(), dy = (y[7] - y[0]).item<float>();
            var (expectedX, expectedY) = data.Label(i) switch { 0 => (1, 0), 1 => (-1, 0), 2 => (0, 1), _ => (0, -1) };
            Assert.True(Math.Sign(Math.Round(dx)) == expectedX && Math.Sign(Math.Round(dy)) == expectedY,
                        $"clip {i} ({data.Classes[data.Label(i)]}): centroid moved by ({dx:F1}, {dy:F1})");
        }
        Assert.True(data.GetClip(5).equal(data.GetClip(5)).all().item<bool>());              // a pure function of (seed, index)
        Assert.False(data.GetClip(5).equal(new MotionDirections(data.Config with { Seed = 4 }).GetClip(5)).all().item<bool>());
        Assert.Throws<ArgumentException>(() => new MotionDirections(new MotionDirectionsConfig(Frames: 30, Size: 16, Speed: 0.2)).GetClip(0));
    }

    [Fact]
    public void A_per_frame_classifier_cannot_see_time_reversal_and_a_3d_one_can()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var clips = rand(new long[] { 3, 6, 3, 16, 16 });                              // (B, T, C, H, W)
        var reversed = clips.flip(1);
        var perFrame = new ClipClassifier(new ClipClassifierConfig(Classes: 4, Width: 8, Blocks: 2, TemporalKernel: 1));
        var volumetric = new ClipClassifier(new ClipClassifierConfig(Classes: 4, Width: 8, Blocks: 2, TemporalKernel: 3));
        using (no_grad())
        {
            Assert.Equal(new long[] { 3, 4 }, perFrame.call(clips).shape);
            Assert.True(perFrame.call(clips).allclose(perFrame.call(reversed), rtol: 1e-5, atol: 1e-6));
            Assert.False(volumetric.call(clips).allclose(volumetric.call(reversed), rtol: 1e-3, atol: 1e-4));
        }
        Assert.Throws<VideoLab.Modules.VideoShapeException>(() => perFrame.call(rand(new long[] { 3, 6, 1, 16, 16 })));
        Assert.Throws<ArgumentException>(() => new ClipClassifier(new ClipClassifierConfig(TemporalKernel: 2)));
    }

    [Fact]
    public void A_3d_classifier_fits_a_few_clips_and_the_confusion_matrix_counts_its_answers()
    {
        // Overfit 32 clips (two batches): the loop, the loss and the labels fit together if the model learns them all.
        var clips = new MotionDirections(new MotionDirectionsConfig(Frames: 4, Size: 16, Count: 32, Seed: 1, Speed: 0.15, Radius: 0.15));
        manual_seed(0);
        var model = new ClipClassifier(new ClipClassifierConfig(Classes: 4, Width: 8, Blocks: 2, TemporalKernel: 3));
        var history = Classification.Fit(model, clips, steps: 40, batchSize: 16, learningRate: 5e-3);
        Assert.Equal(40, history.Count);
        Assert.True(history.TakeLast(4).Average(h => h.Loss) < 0.5 * history.Take(2).Average(h => h.Loss),
                    $"loss {history.Take(2).Average(h => h.Loss):F3} → {history.TakeLast(4).Average(h => h.Loss):F3}");
        var matrix = Classification.Evaluate(model, clips);
        Assert.Equal(32, matrix.Total);
        Assert.Equal(32, Enumerable.Range(0, 4).Sum(t => Enumerable.Range(0, 4).Sum(p => matrix.Counts[t, p])));
        Assert.All(Enumerable.Range(0, 4), t => Assert.Equal(8, Enumerable.Range(0, 4).Sum(p => matrix.Counts[t, p])));   // 8 clips per class
        Assert.True(matrix.Accuracy >= 0.9, $"accuracy on the clips it was trained on: {matrix.Accuracy:P0}");
    }

    [Fact]
    public void Confusion_matrix_accuracy_and_recall_follow_the_counts()
    {
        var matrix = new ConfusionMatrix(["a", "b", "c"]);
        Assert.True(double.IsNaN(matrix.Accuracy));
        foreach (var (t, p) in new[] { (0, 0), (0, 0), (0, 1), (1, 1), (2, 0) }) matrix.Add(t, p);
        Assert.Equal(3 / 5.0, matrix.Accuracy, 12);
        Assert.Equal([2 / 3.0, 1.0, 0.0], matrix.Recall);
        Assert.Equal(2, matrix.Counts[0, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.Add(3, 0));
        Assert.Throws<ArgumentException>(() => new ConfusionMatrix(["only"]));
    }
}
