using VideoLab.Data;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>
/// Clips <c>[start, start + count)</c> of another dataset: a train/validation split of any dataset
/// without copying (the CLI validates on the last clips and trains on the others).
/// </summary>
public sealed class ClipSubset : IClipDataset
{
    readonly IClipDataset _source;
    readonly long _start;

    public ClipSubset(IClipDataset source, long start, long count)
    {
        if (start < 0 || count <= 0 || start + count > source.Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"Clips [{start}, {start + count}) are not inside a dataset of {source.Count} clips.");
        (_source, _start, Count) = (source, start, count);
    }

    public long Count { get; }
    public ClipShape Shape => _source.Shape;

    public Tensor GetClip(long index) =>
        index >= 0 && index < Count ? _source.GetClip(_start + index)
        : throw new ArgumentOutOfRangeException(nameof(index), $"Clip {index} of {Count}.");

    /// <summary>
    /// The last <paramref name="validationClips"/> clips for validation (at most a fifth), the rest for training. For a
    /// generator (<see cref="IClipGenerator"/>) with <paramref name="freshEachEpoch"/>, training draws new clips every
    /// epoch (<see cref="FreshClips"/>, never the validation ones), as OpenSTL's Moving MNIST loader does; validation stays fixed.
    /// </summary>
    public static (IClipDataset Train, IClipDataset Validation) Split(IClipDataset source, long validationClips, bool freshEachEpoch = true)
    {
        if (source.Count < 2) throw new ArgumentException($"A dataset of {source.Count} clip cannot be split into training and validation.");
        long validation = Math.Clamp(Math.Min(validationClips, source.Count / 5), 1, source.Count - 1);
        long training = source.Count - validation;
        IClipDataset train = freshEachEpoch && source is IClipGenerator generator
            ? new FreshClips(generator, training, reserved: validation)
            : new ClipSubset(source, 0, training);
        return (train, new ClipSubset(source, training, validation));
    }
}
