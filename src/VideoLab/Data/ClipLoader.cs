using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace VideoLab.Data;

/// <summary>
/// Batches of clips <c>(B, T, C, H, W)</c> on a device, in a seeded order: epoch e of seed s is always
/// the same sequence, so runs are reproducible and a resumed run sees the batches it would have seen.
/// A dataset whose clips change with the epoch (<see cref="IEpochClipDataset"/>, e.g. <see cref="FreshClips"/>) is asked
/// for clip i of epoch e. With <c>prefetch</c> &gt; 0 a worker thread prepares the next batches (decoding, generating, moving to the
/// device) while the caller trains on the current one; the order stays exactly the same.
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
    /// <param name="prefetch">Batches prepared ahead on a background thread; 0 loads each batch when it is asked for.</param>
    public ClipLoader(IClipDataset dataset, int batchSize, bool shuffle = true, long seed = 0, Device? device = null, bool dropLast = true,
                      int prefetch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefetch);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), "Batch size must be positive.");
        if (dataset.Count < batchSize && dropLast)
            throw new ArgumentException($"The dataset has {dataset.Count} clips, fewer than one batch of {batchSize}.");
        _dataset = dataset;
        _seed = seed;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Device = device ?? CPU;
        DropLast = dropLast;
        Prefetch = prefetch;
    }

    public int BatchSize { get; }
    public bool Shuffle { get; }
    public bool DropLast { get; }
    public Device Device { get; }
    public IClipDataset Dataset => _dataset;

    /// <summary>Batches prepared ahead on a background thread (0: none).</summary>
    public int Prefetch { get; }

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

    /// <summary>
    /// The batches of one epoch, each <c>(B, T, C, H, W)</c> on <see cref="Device"/>; the caller disposes them
    /// (a batch joins the caller's dispose scope, if one is open when the batch is handed over).
    /// </summary>
    public IEnumerable<Tensor> Epoch(int epoch) => Prefetch == 0 ? Batches(epoch, Order(epoch)) : Prefetched(epoch, Order(epoch));

    IEnumerable<Tensor> Batches(int epoch, long[] order)
    {
        for (long b = 0; b < BatchesPerEpoch; b++) yield return LoadBatch(epoch, BatchIndices(order, b));
    }

    long[] BatchIndices(long[] order, long b) => order.Skip((int)(b * BatchSize)).Take(BatchSize).ToArray();

    /// <summary>
    /// A worker thread loads batches in order into a bounded queue of <see cref="Prefetch"/> batches. Tensors made
    /// on the worker belong to no dispose scope (scopes are per thread); each batch is attached to the consumer's
    /// scope when taken. If the consumer stops early, the worker is stopped and batches still queued are disposed.
    /// </summary>
    IEnumerable<Tensor> Prefetched(int epoch, long[] order)
    {
        using var ready = new BlockingCollection<Tensor>(Prefetch);
        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                for (long b = 0; b < BatchesPerEpoch && !stop.IsCancellationRequested; b++)
                {
                    var batch = LoadBatch(epoch, BatchIndices(order, b));
                    try { ready.Add(batch, stop.Token); }
                    catch (OperationCanceledException) { batch.Dispose(); }
                }
            }
            catch (Exception e) { failure = e; }
            finally { ready.CompleteAdding(); }
        }) { IsBackground = true, Name = "ClipLoader prefetch" };
        worker.Start();
        try
        {
            foreach (var batch in ready.GetConsumingEnumerable())
            {
                CurrentDisposeScope?.Attach(batch);
                yield return batch;
            }
            worker.Join();
            if (failure is not null)
                throw new InvalidOperationException($"Loading a batch on the prefetch thread failed: {failure.Message}", failure);
        }
        finally
        {
            stop.Cancel();
            worker.Join();
            while (ready.TryTake(out var left)) left.Dispose();
        }
    }

    Tensor LoadBatch(int epoch, long[] indices)
    {
        using var scope = NewDisposeScope();
        Func<long, Tensor> clip = _dataset is IEpochClipDataset byEpoch ? i => byEpoch.GetClip(epoch, i) : _dataset.GetClip;
        var batch = stack(indices.Select(clip).ToArray()).to(Device);  // (B, T, C, H, W)
        return batch.MoveToOuterDisposeScope();
    }
}
