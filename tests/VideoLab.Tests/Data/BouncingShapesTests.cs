using VideoLab.Data;
using static TorchSharp.torch;

namespace VideoLab.Tests.Data;

public class BouncingShapesTests
{
    static readonly BouncingShapesConfig Small = new(Frames: 6, Size: 32, Count: 8, Seed: 5);

    [Fact]
    public void A_clip_has_the_declared_shape_and_values_in_the_unit_range()
    {
        using var clip = new BouncingShapes(Small).GetClip(3);
        Assert.Equal(new long[] { 6, 3, 32, 32 }, clip.shape);
        Assert.Equal(ScalarType.Float32, clip.dtype);
        Assert.True(clip.min().item<float>() >= 0f && clip.max().item<float>() <= 1f);
        Assert.True(clip.gt(0).sum().item<long>() > 0, "no shape was drawn");
    }

    [Fact]
    public void The_same_seed_and_index_give_the_same_clip_and_others_differ()
    {
        using var a = new BouncingShapes(Small).GetClip(2);
        using var b = new BouncingShapes(Small).GetClip(2);
        using var c = new BouncingShapes(Small).GetClip(3);
        using var d = new BouncingShapes(Small with { Seed = 6 }).GetClip(2);
        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.eq(c).all().item<bool>());
        Assert.False(a.eq(d).all().item<bool>());
    }

    [Fact]
    public void Shapes_move_between_frames()
    {
        using var clip = new BouncingShapes(Small).GetClip(0);
        Assert.False(clip[0].eq(clip[5]).all().item<bool>());
    }

    [Fact]
    public void The_loader_gives_seeded_batches_in_the_video_layout()
    {
        var data = new BouncingShapes(Small);
        var loader = new ClipLoader(data, batchSize: 3, shuffle: true, seed: 1);
        Assert.Equal(2, loader.BatchesPerEpoch);
        Assert.Equal(loader.Order(0), new ClipLoader(data, 3, true, 1).Order(0));
        Assert.NotEqual(loader.Order(0), loader.Order(1));
        foreach (var batch in loader.Epoch(0))
            using (batch) Assert.Equal(new long[] { 3, 6, 3, 32, 32 }, batch.shape);
    }
}
