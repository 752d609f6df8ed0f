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
        var (temporal, spatial) = Gates(x, state?.H, memory);  // [i, f, g, o] and [i', f', g'], each (B, hidden, H, W)
        var cNew = temporal[0].sigmoid() * temporal[2].tanh();
        // A zero c or m (a missing one: the first step, the first cell of the first step) has no forget term.
        var cNext = state is { C: var c } ? (temporal[1] + 1.0).sigmoid() * c + cNew : cNew;
        var mNew = spatial[0].sigmoid() * spatial[2].tanh();
        var mNext = memory is not null ? (spatial[1] + 1.0).sigmoid() * memory + mNew : mNew;
        var both = cat([cNext, mNext], 1);              // (B, 2·hidden, H, W)
        var o = (temporal[3] + outputGate.call(both)).sigmoid();
        var hNext = o * fuse.call(both).tanh();
        return (hNext.MoveToOuterDisposeScope(), cNext.MoveToOuterDisposeScope(), mNext.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The gates' pre-activations as two convolutions: x's [i, f, g, o] rows together with h's, over [x, h], and x's
    /// [i', f', g'] rows together with m's, over [x, m]. The same sums as the equations' three convolutions (x → all
    /// seven, h → four, m → three) and their adds, in fewer, larger kernel calls (<see cref="GateConvolution"/>; bench/README.md,
    /// "PredRNN's gate convolutions fused"); the parameters stay the three convolutions', so checkpoints and the OpenSTL mapping are unchanged.
    /// A zero h or m (a missing one) contributes nothing, and its convolution is skipped.
    /// </summary>
    (Tensor[] Temporal, Tensor[] Spatial) Gates(Tensor x, Tensor? h, Tensor? m)
    {
        int n = HiddenChannels;
        // The given gates' rows of x's weight or bias: a view for one run of gates, a copy for several.
        Tensor Rows(Tensor t, params (int From, int Count)[] gates) =>
            gates.Length == 1 ? t.narrow(0, gates[0].From * n, gates[0].Count * n)
                              : cat(gates.Select(g => t.narrow(0, g.From * n, g.Count * n)).ToArray(), 0);
        var (w, b) = (inputGates.weight!, inputGates.bias);
        var temporal = GateConvolution.Sum(x, Rows(w, (0, 3), (6, 1)), h, hiddenGates.weight, b is null ? null : Rows(b, (0, 3), (6, 1)), inputGates);
        var spatial = GateConvolution.Sum(x, Rows(w, (3, 3)), m, memoryGates.weight, b is null ? null : Rows(b, (3, 3)), inputGates);
        return (temporal.chunk(4, dim: 1), spatial.chunk(3, dim: 1));
    }
}
