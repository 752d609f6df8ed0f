using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Data;

/// <summary>Clips held in memory as one tensor <c>(N, T, C, H, W)</c>: fixtures, test sets, small experiments.</summary>
public sealed class TensorClipDataset : IClipDataset
{
    readonly Tensor _clips;

    /// <param name="clips"><c>(N, T, C, H, W)</c> float32 in [0, 1]; kept on the CPU, detached.</param>
    public TensorClipDataset(Tensor clips)
    {
        VideoShape.Check(clips, nameof(TensorClipDataset));
        _clips = clips.detach().cpu().MoveToOuterDisposeScope();
        Shape = new ClipShape((int)clips.shape[1], (int)clips.shape[2], (int)clips.shape[3], (int)clips.shape[4]);
    }

    public long Count => _clips.shape[0];
    public ClipShape Shape { get; }

    public Tensor GetClip(long index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), $"Clip {index} of {Count}.");
        return _clips[index].clone();
    }
}
