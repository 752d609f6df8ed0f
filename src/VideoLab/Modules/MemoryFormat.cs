using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// Activation memory formats. oneDNN, LibTorch's CPU convolution library, runs its blocked (brgemm) convolution kernels
/// directly on channels-last (NHWC) activations and reorders NCHW ones before and after every call; a convolution keeps
/// its input's format, so a recurrent model that hands its cells channels-last frames stays channels-last to the end
/// (bench/README.md, "channels-last activations"). TorchSharp 0.107 has no <c>memory_format</c> argument: permuting to
/// NHWC, copying and permuting back gives the same strides. The values are unchanged; only the layout in memory is.
/// </summary>
public static class MemoryFormat
{
    /// <summary>
    /// <paramref name="x"/> <c>(B, C, H, W)</c> with channels-last strides on the CPU; unchanged on other devices (cuDNN
    /// picks its own layouts, and the NCHW path is the one measured there).
    /// </summary>
    public static Tensor ChannelsLastOnCpu(Tensor x) =>
        x.device_type == DeviceType.CPU && x.dim() == 4 ? x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : x;

    /// <summary>The fewest hidden channels at which the recurrent cells run channels-last (<see cref="ForRecurrentCells"/>).</summary>
    public const int ChannelsLastMinHidden = 16;

    /// <summary>
    /// A recurrent model's input frame <c>(B, C, H, W)</c> in the layout its cells run fastest in: channels-last on the CPU
    /// when they have at least <see cref="ChannelsLastMinHidden"/> hidden channels, else unchanged. The gate arithmetic works
    /// on channel slices of the gate maps, which in NHWC are runs of only <paramref name="hiddenChannels"/> contiguous
    /// floats: at 8 channels that made the tiny ConvLSTM's inference 13% slower than NCHW, while at 16 and 32 the two
    /// layouts were even or channels-last ahead (bench/README.md, "channels-last only from 16 hidden channels").
    /// </summary>
    public static Tensor ForRecurrentCells(Tensor frame, int hiddenChannels) =>
        hiddenChannels >= ChannelsLastMinHidden ? ChannelsLastOnCpu(frame) : frame;
}
