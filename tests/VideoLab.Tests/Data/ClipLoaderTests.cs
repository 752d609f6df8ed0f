using VideoLab.Data;
using static TorchSharp.torch;

namespace VideoLab.Tests.Data;

public class ClipLoaderTests
{
    static readonly BouncingShapes Data = new(new BouncingShapesConfig(Frames: 3, Size: 16, Count: 10, Seed: 2));

    static List<float[]> Collect(ClipLoader loader, int epoch)
    {
        var batches = new List<float[]>();
        foreach (var batch in loader.Epoch(epoch))
            using (batch) batches.Add(batch.data<float>().ToArray());
        return batches;
    }

    [Fact]
    public void Prefetching_gives_the_same_batches_in_the_same_order()
    {
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var plain = Collect(new ClipLoader(Data, 3, shuffle: true, seed: 4), epoch);
            var prefetched = Collect(new ClipLoader(Data, 3, shuffle: true, seed: 4, prefetch: 2), epoch);
            Assert.Equal(3, plain.Count);
            Assert.Equal(plain.Count, prefetched.Count);
            for (int b = 0; b < plain.Count; b++) Assert.Equal(plain[b], prefetched[b]);
        }
        var last = Collect(new ClipLoader(Data, 3, dropLast: false, prefetch: 1), 0);
        Assert.Equal(4, last.Count);
        Assert.Equal(1 * 3 * 3 * 16 * 16, last[^1].Length);  // the smaller last batch
    }

    [Fact]
    public void A_prefetched_batch_joins_the_consumers_dispose_scope()
    {
        var loader = new ClipLoader(Data, 2, prefetch: 3);
        Tensor? seen = null;
        using (var scope = NewDisposeScope())
        {
            foreach (var batch in loader.Epoch(0)) { seen = batch; break; }  // stopping early stops the worker
            Assert.False(seen!.IsInvalid);
        }
        Assert.True(seen.IsInvalid, "the batch outlived the scope it was handed to");
    }

    [Fact]
    public void A_failing_dataset_surfaces_its_error_on_the_consumer()
    {
        var loader = new ClipLoader(new Failing(), 2, shuffle: false, prefetch: 2);
        var e = Assert.Throws<InvalidOperationException>(() => Collect(loader, 0));
        Assert.Contains("clip 3 is broken", e.Message);
    }

    [Fact]
    public void Training_on_a_generator_sees_fresh_clips_every_epoch_never_the_validation_clips()
    {
        var (train, validation) = VideoLab.Training.ClipSubset.Split(Data, 2);  // 8 training clips, 2 for validation
        Assert.IsType<FreshClips>(train);
        Assert.Equal(8, train.Count);
        var held = Enumerable.Range(0, 2).Select(i => { using var c = validation.GetClip(i); return c.data<float>().ToArray(); }).ToList();
        var epochs = Enumerable.Range(0, 3).Select(e => Collect(new ClipLoader(train, 4, shuffle: true, seed: 4, prefetch: e % 2), e)
                                                       .SelectMany(b => b.Chunk(3 * 3 * 16 * 16)).ToList()).ToList();
        var all = epochs.SelectMany(e => e).ToList();
        Assert.Equal(24, all.Count);
        Assert.Equal(24, all.Distinct(new SameValues()).Count());                      // no clip repeats across three epochs
        Assert.DoesNotContain(all, clip => held.Any(v => v.SequenceEqual(clip)));      // nor is any a validation clip
        Assert.Equal(epochs[1], Collect(new ClipLoader(train, 4, shuffle: true, seed: 4), 1).SelectMany(b => b.Chunk(3 * 3 * 16 * 16)).ToList());  // deterministic

        // Without a generator (clips read from memory or disk) the training clips stay the same every epoch.
        using var fixedClips = stack(Enumerable.Range(0, 10).Select(i => Data.GetClip(i)).ToArray());
        var (plainTrain, _) = VideoLab.Training.ClipSubset.Split(new TensorClipDataset(fixedClips), 2);
        Assert.IsNotType<FreshClips>(plainTrain);
        Assert.IsNotType<FreshClips>(VideoLab.Training.ClipSubset.Split(Data, 2, freshEachEpoch: false).Train);
    }

    sealed class SameValues : IEqualityComparer<float[]>
    {
        public bool Equals(float[]? a, float[]? b) => a!.SequenceEqual(b!);
        public int GetHashCode(float[] v) => v.Aggregate(17, (h, x) => h * 31 + x.GetHashCode());
    }

    sealed class Failing : IClipDataset
    {
        public long Count => 6;
        public ClipShape Shape => new(1, 1, 2, 2);
        public Tensor GetClip(long index) => index == 3 ? throw new IOException("clip 3 is broken") : zeros(1, 1, 2, 2);
    }
}

public class TorchClipDatasetTests
{
    [Fact]
    public void TorchSharps_data_loader_batches_clips_in_the_video_layout()
    {
        var shapes = new BouncingShapes(new BouncingShapesConfig(Frames: 3, Size: 16, Count: 5, Seed: 1));
        using var dataset = new TorchClipDataset(shapes);
        using var loader = TorchSharp.torch.utils.data.DataLoader(dataset, 2, shuffle: false);
        var batches = 0;
        foreach (var batch in loader)
        {
            using var clips = batch["clip"];
            Assert.Equal(batches < 2 ? 2 : 1, clips.shape[0]);
            Assert.Equal(new long[] { 3, 3, 16, 16 }, clips.shape[1..]);
            if (batches == 0) { using var first = shapes.GetClip(1); Assert.True(clips[1].eq(first).all().item<bool>()); }
            batches++;
        }
        Assert.Equal(3, batches);
    }
}
