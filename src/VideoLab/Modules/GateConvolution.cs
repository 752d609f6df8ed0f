using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// The sum of two "same"-padded convolutions, W_x * x + W_s * s + b, as one convolution of [x, s] with [W_x, W_s]: one
/// larger kernel call instead of two calls and an add (bench/README.md, "One gate convolution per ConvLSTM step").
/// The recurrent cells compute their gates so while keeping W_x and W_s as separate parameters, so checkpoints and
/// the OpenSTL mappings name them as before. A null s is a zero state: only x's convolution is run.
/// </summary>
static class GateConvolution
{
    /// <summary>
    /// <paramref name="x"/> <c>(B, Cx, H, W)</c> convolved with <paramref name="weightX"/> <c>(Cout, Cx, k, k)</c>, plus
    /// <paramref name="state"/> <c>(B, Cs, H, W)</c> convolved with <paramref name="weightState"/> <c>(Cout, Cs, k, k)</c>,
    /// plus <paramref name="bias"/>; padded as <paramref name="like"/> pads.
    /// </summary>
    public static Tensor Sum(Tensor x, Tensor weightX, Tensor? state, Tensor? weightState, Tensor? bias, Conv2d like) =>
        nn.functional.conv2d(state is null ? x : cat([x, state], dim: 1),
                             state is null ? weightX : cat([weightX, weightState!], dim: 1), bias,
                             padding: [like.padding![0], like.padding![1]]);
}
