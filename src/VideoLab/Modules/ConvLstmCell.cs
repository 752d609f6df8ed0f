using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// One convolutional LSTM cell (Shi et al. 2015, "Convolutional LSTM Network", eq. 3): the LSTM's
/// matrix products become convolutions, so the state keeps its spatial layout.
/// <code>
/// [i, f, g, o] = W_x * x + W_h * h + b
/// c' = σ(f + forgetBias) ⊙ c + σ(i) ⊙ tanh(g)
/// h' = σ(o) ⊙ tanh(c')
/// </code>
/// Kept: the gates and the "same" padding. Changed, as OpenSTL does: no peephole terms (W_ci ⊙ c …).
/// One bias on the input convolution plus a constant forget bias of 1 (so the cell starts by remembering; Gers et al.
/// 2000, Jozefowicz et al. 2015). This differs from OpenSTL's cell (openstl/modules/convlstm_modules.py): its
/// convolutions have no bias, and it sets <c>_forget_bias = 1.0</c> but never adds it, so its forget gate is σ(f)
/// with no offset; <c>bias: false, forgetBias: 0</c> reproduces it.
/// Input <c>(B, Cin, H, W)</c> and state <c>(h, c)</c>, each <c>(B, hidden, H, W)</c>; a null state starts from zeros.
/// </summary>
public sealed class ConvLstmCell : nn.Module<Tensor, (Tensor H, Tensor C)?, (Tensor H, Tensor C)>
{
    readonly Conv2d inputGates;   // x → [i, f, g, o]
    readonly Conv2d hiddenGates;  // h → [i, f, g, o]
    readonly double forgetBias;

    /// <summary>Channels of h and c.</summary>
    public int HiddenChannels { get; }

    public ConvLstmCell(string name, int inChannels, int hiddenChannels, int kernelSize, double forgetBias = 1.0, bool bias = true) : base(name)
    {
        HiddenChannels = hiddenChannels;
        this.forgetBias = forgetBias;
        inputGates = nn.Conv2d(inChannels, 4 * hiddenChannels, kernelSize, padding: kernelSize / 2, bias: bias);
        hiddenGates = nn.Conv2d(hiddenChannels, 4 * hiddenChannels, kernelSize, padding: kernelSize / 2, bias: false);
        RegisterComponents();
    }

    public override (Tensor H, Tensor C) forward(Tensor x, (Tensor H, Tensor C)? state)
    {
        // The step's temporaries (gate maps, activations) are freed when it returns, as PyTorch frees
        // a tensor when its last reference goes; otherwise a rollout keeps every step's intermediates until the
        // caller's scope ends (bench/README.md, "the recurrent cells kept every step's temporaries alive").
        // Autograd keeps what backward needs either way.
        using var scope = NewDisposeScope();
        var gates = Gates(x, state?.H);                        // (B, 4·hidden, H, W)
        var chunks = gates.chunk(4, dim: 1);                  // 4 × (B, hidden, H, W)
        var i = chunks[0].sigmoid();
        var f = (forgetBias == 0 ? chunks[1] : chunks[1] + forgetBias).sigmoid();
        var g = chunks[2].tanh();
        var o = chunks[3].sigmoid();
        var cNext = state is { C: var c } ? f * c + i * g : i * g;
        var hNext = o * cNext.tanh();
        return (hNext.MoveToOuterDisposeScope(), cNext.MoveToOuterDisposeScope());
    }

    /// <summary>W_x * x + W_h * h + b as one convolution (<see cref="GateConvolution"/>); a zero state needs W_x * x only.</summary>
    Tensor Gates(Tensor x, Tensor? h) => GateConvolution.Sum(x, inputGates.weight!, h, hiddenGates.weight, inputGates.bias, inputGates);
}
