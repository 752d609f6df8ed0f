using static TorchSharp.torch;

namespace VideoLab.Interop;

/// <summary>
/// The channel order of a patched frame. OpenSTL's <c>reshape_patch</c> (openstl/utils/predrnn_utils.py) turns a p×p
/// patch of a C-channel frame into channels ordered (row in patch, column in patch, C); VideoLab's <see cref="Modules.Patches"/>
/// uses <c>pixel_unshuffle</c>, ordered (C, row, column). The information is the same, so a recurrent model converts
/// exactly by permuting the input channels of its first convolution and the output channels of its readout.
/// With one channel (or patch 1) the two orders coincide and nothing changes.
/// </summary>
public static class OpenStlPatchOrder
{
    /// <summary>For each VideoLab channel index, the OpenSTL channel index holding the same pixel.</summary>
    public static long[] TheirIndexOfOurs(int channels, int patch)
    {
        var indices = new long[channels * patch * patch];
        for (int c = 0; c < channels; c++)
            for (int row = 0; row < patch; row++)
                for (int column = 0; column < patch; column++)
                    indices[(c * patch + row) * patch + column] = (row * patch + column) * channels + c;
        return indices;
    }

    /// <summary>The transform that reorders dimension <paramref name="dim"/> of a weight from one order to the other, or null when they coincide.</summary>
    public static TensorTransform? Transform(int channels, int patch, long dim, string what)
    {
        if (channels == 1 || patch == 1) return null;
        var theirOfOurs = TheirIndexOfOurs(channels, patch);
        var ourOfTheirs = new long[theirOfOurs.Length];
        for (int i = 0; i < theirOfOurs.Length; i++) ourOfTheirs[theirOfOurs[i]] = i;
        return new TensorTransform(
            $"{what}: OpenSTL's reshape_patch orders patch channels (row, column, C), VideoLab's pixel_unshuffle (C, row, column)",
            t => { using var index = tensor(theirOfOurs, device: t.device); return t.index_select(dim, index); },
            t => { using var index = tensor(ourOfTheirs, device: t.device); return t.index_select(dim, index); });
    }
}
