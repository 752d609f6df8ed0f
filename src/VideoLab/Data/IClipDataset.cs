using static TorchSharp.torch;

namespace VideoLab.Data;

/// <summary>The size of one clip: <c>(T, C, H, W)</c>.</summary>
public sealed record ClipShape(int Frames, int Channels, int Height, int Width)
{
    public long[] ToArray() => [Frames, Channels, Height, Width];
    public override string ToString() => $"({Frames}, {Channels}, {Height}, {Width})";
}

/// <summary>
/// An indexable set of clips, each <c>(T, C, H, W)</c> float32 in [0, 1] on the CPU. Synthetic sets are
/// indexable too (clip i is a pure function of seed and i), which makes shuffling, resuming and
/// validation splits deterministic.
/// </summary>
public interface IClipDataset
{
    /// <summary>Number of clips (for a generator: the size of one epoch).</summary>
    long Count { get; }

    /// <summary>The shape every clip has.</summary>
    ClipShape Shape { get; }

    /// <summary>Clip <paramref name="index"/>, <c>(T, C, H, W)</c>. The caller disposes it.</summary>
    Tensor GetClip(long index);
}
