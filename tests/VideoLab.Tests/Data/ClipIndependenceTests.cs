using VideoLab.Data;
using static TorchSharp.torch;

namespace VideoLab.Tests.Data;

/// <summary>
/// Generated clips must be independent draws: within a clip (the first and second digit's start rows) and between
/// neighbouring clips. Measured by coverage of value pairs: independent draws cover about as many distinct pairs as
/// the same values paired at random (the second coordinate shuffled), while draws tied to each other, as seeding .NET's
/// <c>Random</c> with an affine function of the clip index made them, cover far fewer (~515 of 1,369 start-row pairs).
/// </summary>
public class ClipIndependenceTests
{
    /// <summary>Distinct pairs, and distinct pairs after shuffling the second coordinate (what independence gives).</summary>
    static (int Pairs, int Shuffled) Coverage(IReadOnlyList<int> first, IReadOnlyList<int> second)
    {
        var shuffled = second.ToArray();
        new Random(12345).Shuffle(shuffled);
        return (first.Zip(second).Distinct().Count(), first.Zip(shuffled).Distinct().Count());
    }

    static void AssertIndependent((int Pairs, int Shuffled) coverage, string what) =>
        Assert.True(coverage.Pairs >= 0.95 * coverage.Shuffled,
                    $"{what}: {coverage.Pairs} distinct pairs, {coverage.Shuffled} for independent draws of the same values");

    [Fact]
    public void Moving_mnist_start_rows_are_independent_within_and_between_clips()
    {
        const int clips = 10_000;
        var data = new MovingMnist(new MovingMnistConfig(Frames: 1, Count: clips, Seed: 0), IdxReaderTests.FashionImages);
        var tracks = Enumerable.Range(0, clips).Select(i => data.Tracks(i)).ToArray();
        var first = tracks.Select(t => t[0].Y[0]).ToArray();
        var second = tracks.Select(t => t[1].Y[0]).ToArray();
        var within = Coverage(first, second);
        AssertIndependent(within, "first and second digit's start row in a clip");
        Assert.True(within.Pairs > 1_300, $"{within.Pairs} of 37 × 37 start-row pairs in {clips} clips");
        AssertIndependent(Coverage(first[..^1], first[1..]), "first digit's start row in clip i and clip i + 1");
    }

    /// <summary>The left and top edge of the single shape in frame 0 (its start x − r and y − r, in pixels).</summary>
    static (int Left, int Top) Corner(Tensor clip)
    {
        var drawn = clip[0].sum([0L]).gt(0);                                // (H, W)
        int left = (int)drawn.any(0).to(ScalarType.Int64).argmax().item<long>();
        int top = (int)drawn.any(1).to(ScalarType.Int64).argmax().item<long>();
        return (left, top);
    }

    [Fact]
    public void Bouncing_shapes_start_positions_are_independent_within_and_between_clips()
    {
        const int clips = 3_000;
        var data = new BouncingShapes(new BouncingShapesConfig(Frames: 1, Size: 32, Shapes: 1, Count: clips, Seed: 0));
        var corners = Enumerable.Range(0, clips).Select(i =>
        {
            using var scope = NewDisposeScope();
            return Corner(data.GetClip(i));
        }).ToArray();
        AssertIndependent(Coverage(corners.Select(c => c.Left).ToArray(), corners.Select(c => c.Top).ToArray()), "a shape's left and top edge");
        var lefts = corners.Select(c => c.Left).ToArray();
        AssertIndependent(Coverage(lefts[..^1], lefts[1..]), "the left edge in clip i and clip i + 1");
    }
}
