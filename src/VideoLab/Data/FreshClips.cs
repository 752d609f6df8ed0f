using static TorchSharp.torch;

namespace VideoLab.Data;

/// <summary>
/// Training clips drawn fresh every epoch from a generator, as OpenSTL's Moving MNIST loader does (it generates a
/// new clip on every call during training; "the dataset is really infinite", Srivastava et al. 2015), while
/// validation and test clips stay fixed. Epoch 0 is the generator's clips <c>[0, Count)</c>; epoch e ≥ 1 takes the
/// next <c>Count</c> clips after everything earlier, skipping the <paramref name="reserved"/> clips held out after
/// epoch 0 (<c>[Count, Count + reserved)</c>, e.g. a validation split), so no training clip is ever a held-out one
/// and no epoch repeats another. Deterministic: a resumed run sees the clips it would have seen.
/// </summary>
/// <param name="source">The generator.</param>
/// <param name="count">Clips per epoch.</param>
/// <param name="reserved">Clips right after the first epoch that training must never use.</param>
public sealed class FreshClips(IClipGenerator source, long count, long reserved = 0) : IEpochClipDataset
{
    public long Count { get; } = count > 0 ? count : throw new ArgumentOutOfRangeException(nameof(count), $"Clips per epoch must be positive, got {count}.");
    public ClipShape Shape => source.Shape;

    /// <summary>The generator's index of clip <paramref name="index"/> of epoch <paramref name="epoch"/>.</summary>
    public long SourceIndex(int epoch, long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), $"Clip {index} of {Count}.");
        return epoch == 0 ? index : epoch * Count + reserved + index;
    }

    /// <summary>Clip <paramref name="index"/> of the first epoch.</summary>
    public Tensor GetClip(long index) => GetClip(0, index);

    public Tensor GetClip(int epoch, long index) => source.Clip(SourceIndex(epoch, index));
}
