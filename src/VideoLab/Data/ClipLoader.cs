using static TorchSharp.torch;

namespace VideoLab.Data;

/// <summary>
/// Batches of clips <c>(B, T, C, H, W)</c> on a device, in a seeded order: epoch e of seed s is always
/// the same sequence, so runs are reproducible and a resumed run sees the batches it would have seen.
/// </summary>
public sealed class ClipLoader
{
    readonly IClipDataset _dataset;
    readonly long _seed;

    /// <param name="dataset">Where clips come from.</param>
    /// <param name="batchSize">Clips per batch.</param>
    /// <param name="shuffle">Shuffle the order each epoch (seeded by <paramref name="seed"/> and the epoch).</param>
    /// <param name="seed">Seed of the order.</param>
    /// <param name="device">Where batches go; the CPU when null.</param>
    /// <param name="dropLast">Drop a last, smaller batch (keeps every batch the same shape).</param>
    public ClipLoader(IClipDataset dataset, int batchSize, bool shuffle = true, long seed = 0, Device? device = null, bool dropLast = true)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), "Batch size must be positive.");
        if (dataset.Count < batchSize && dropLast)
            throw new ArgumentException($"The dataset has {dataset.Count} clips, fewer than one batch of {batchSize}.");
        _dataset = dataset;
        _seed = seed;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Device = device ?? CPU;
        DropLast = dropLast;
    }

    public int BatchSize { get; }
    public bool Shuffle { get; }
    public bool DropLast { get; }
    public Device Device { get; }
    public IClipDataset Dataset => _dataset;

    /// <summary>Number of batches in one epoch.</summary>
    public long BatchesPerEpoch => DropLast ? _dataset.Count / BatchSize : (_dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>The clip indices of epoch <paramref name="epoch"/>, in order.</summary>
    public long[] Order(int epoch)
    {
        var order = new long[_dataset.Count];
        for (long i = 0; i < order.Length; i++) order[i] = i;
        // HashCode.Combine is randomised per process; this mix is stable across runs and machines.
        if (Shuffle) new Random(unchecked((int)(_seed * 1_000_003 + epoch))).Shuffle(order);
        return order;
    }

    /// <summary>The batches of one epoch, each <c>(B, T, C, H, W)</c> on <see cref="Device"/>; the caller disposes them.</summary>
    public IEnumerable<Tensor> Epoch(int epoch)
    {
        var order = Order(epoch);
        for (long b = 0; b < BatchesPerEpoch; b++)
        {
            var indices = order.Skip((int)(b * BatchSize)).Take(BatchSize);
            yield return LoadBatch(indices);
        }
    }

    Tensor LoadBatch(IEnumerable<long> indices)
    {
        using var scope = NewDisposeScope();
        var batch = stack(indices.Select(_dataset.GetClip).ToArray()).to(Device);  // (B, T, C, H, W)
        return batch.MoveToOuterDisposeScope();
    }
}
