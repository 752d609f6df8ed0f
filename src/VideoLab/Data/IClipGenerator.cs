using static TorchSharp.torch;

namespace VideoLab.Data;

/// <summary>
/// A dataset that generates its clips (Moving MNIST, bouncing shapes): besides the <see cref="IClipDataset.Count"/>
/// clips of one epoch, clip i exists for every i ≥ 0, each a pure function of (seed, i). Training draws new clips
/// from it every epoch (<see cref="FreshClips"/>), as OpenSTL's Moving MNIST loader does.
/// </summary>
public interface IClipGenerator : IClipDataset
{
    /// <summary>Clip <paramref name="index"/> for any index ≥ 0, <c>(T, C, H, W)</c>. The caller disposes it.</summary>
    Tensor Clip(long index);
}

/// <summary>
/// A dataset whose clips depend on the epoch: a <see cref="ClipLoader"/> asks it for clip i of epoch e.
/// </summary>
public interface IEpochClipDataset : IClipDataset
{
    /// <summary>Clip <paramref name="index"/> of epoch <paramref name="epoch"/>, <c>(T, C, H, W)</c>. The caller disposes it.</summary>
    Tensor GetClip(int epoch, long index);
}
