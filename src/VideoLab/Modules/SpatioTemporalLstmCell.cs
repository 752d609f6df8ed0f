using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// The spatiotemporal LSTM cell of PredRNN (Wang et al. 2017, "PredRNN: Recurrent Neural Networks for
/// Predictive Learning using Spatiotemporal LSTMs", eq. 3). Beside the temporal memory c (one per layer,
/// carried through time) it updates a spatiotemporal memory m that the caller passes up the layers and
/// from the top layer to the bottom one at the next step (the zig-zag).
/// <code>
/// c' = σ(f_x + f_h + 1) ⊙ c + σ(i_x + i_h) ⊙ tanh(g_x + g_h)
/// m' = σ(f'_x + f'_m + 1) ⊙ m + σ(i'_x + i'_m) ⊙ tanh(g'_x + g'_m)
/// o  = σ(o_x + o_h + W_o * [c', m'])
/// h' = o ⊙ tanh(W_1×1 * [c', m'])
/// </code>
/// Kept as OpenSTL has it (no layer norm); a bias on the input convolution (OpenSTL has none: <c>bias: false</c>), constant forget bias 1.
/// Input <c>(B, Cin, H, W)</c>; h, c, m are <c>(B, hidden, H, W)</c>; null state or memory start from zeros.
/// </summary>
public sealed class SpatioTemporalLstmCell : nn.Module<Tensor, (Tensor H, Tensor C)?, Tensor?, (Tensor H, Tensor C, Tensor M)>
{
    readonly Conv2d inputGates;   // x → [i, f, g, i', f', g', o]
    readonly Conv2d hiddenGates;  // h → [i, f, g, o]
    readonly Conv2d memoryGates;  // m → [i', f', g']
    readonly Conv2d outputGate;   // [c', m'] → o
    readonly Conv2d fuse;         // [c', m'] → the cell output before tanh (1×1)

    /// <summary>Channels of h, c and m.</summary>
    public int HiddenChannels { get; }

    public SpatioTemporalLstmCell(string name, int inChannels, int hiddenChannels, int kernelSize, bool bias = true) : base(name)
    {
        HiddenChannels = hiddenChannels;
        int pad = kernelSize / 2, n = hiddenChannels;
        inputGates = nn.Conv2d(inChannels, 7 * n, kernelSize, padding: pad, bias: bias);
        hiddenGates = nn.Conv2d(n, 4 * n, kernelSize, padding: pad, bias: false);
        memoryGates = nn.Conv2d(n, 3 * n, kernelSize, padding: pad, bias: false);
        outputGate = nn.Conv2d(2 * n, n, kernelSize, padding: pad, bias: false);
        fuse = nn.Conv2d(2 * n, n, 1, bias: false);
        RegisterComponents();
    }

    public override (Tensor H, Tensor C, Tensor M) forward(Tensor x, (Tensor H, Tensor C)? state, Tensor? memory)
    {
        // The step's temporaries (gate maps, activations, the [c', m'] concatenation) are freed when it returns, as PyTorch frees
        // a tensor when its last reference goes; otherwise a rollout keeps every step's intermediates until the
        // caller's scope ends (bench/README.md, "the recurrent cells kept every step's temporaries alive").
        // Autograd keeps what backward needs either way.
        using var scope = NewDisposeScope();
        // A zero h and c (the first step) or m (the first cell of the first step) contributes nothing: its convolution
        // is skipped, and so is the forget term of its memory.
        var gx = inputGates.call(x).chunk(7, dim: 1);   // 7 × (B, hidden, H, W)
        var gh = state is { H: var h } ? hiddenGates.call(h).chunk(4, dim: 1) : null;  // 4 × (B, hidden, H, W)
        var gm = memory is null ? null : memoryGates.call(memory).chunk(3, dim: 1);  // 3 × (B, hidden, H, W)
        Tensor Plus(Tensor a, Tensor[]? b, int k) => b is null ? a : a + b[k];

        var cNew = Plus(gx[0], gh, 0).sigmoid() * Plus(gx[2], gh, 2).tanh();
        var cNext = state is { C: var c } ? (Plus(gx[1], gh, 1) + 1.0).sigmoid() * c + cNew : cNew;
        var mNew = Plus(gx[3], gm, 0).sigmoid() * Plus(gx[5], gm, 2).tanh();
        var mNext = memory is not null ? (Plus(gx[4], gm, 1) + 1.0).sigmoid() * memory + mNew : mNew;
        var both = cat([cNext, mNext], 1);              // (B, 2·hidden, H, W)
        var o = (Plus(gx[6], gh, 3) + outputGate.call(both)).sigmoid();
        var hNext = o * fuse.call(both).tanh();
        return (hNext.MoveToOuterDisposeScope(), cNext.MoveToOuterDisposeScope(), mNext.MoveToOuterDisposeScope());
    }
}
