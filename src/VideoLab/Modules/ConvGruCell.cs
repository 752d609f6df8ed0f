using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// One convolutional GRU cell (Ballas et al. 2016, "Delving Deeper into Convolutional Networks for
/// Learning Video Representations"; the GRU of Cho et al. 2014 with convolutions):
/// <code>
/// z = σ(W_z * x + U_z * h)           update gate: how much of the state to replace
/// r = σ(W_r * x + U_r * h)           reset gate: how much of the state the candidate sees
/// ĥ = tanh(W * x + U * (r ⊙ h))      candidate state
/// h' = (1 − z) ⊙ h + z ⊙ ĥ
/// </code>
/// Biases sit on the input convolutions. Input <c>(B, Cin, H, W)</c>, state <c>(B, hidden, H, W)</c>;
/// a null state starts from zeros.
/// </summary>
public sealed class ConvGruCell : nn.Module<Tensor, Tensor?, Tensor>
{
    readonly Conv2d inputGates;      // x → [z, r, ĥ]
    readonly Conv2d hiddenGates;     // h → [z, r]
    readonly Conv2d hiddenCandidate; // r ⊙ h → ĥ

    /// <summary>Channels of h.</summary>
    public int HiddenChannels { get; }

    public ConvGruCell(string name, int inChannels, int hiddenChannels, int kernelSize) : base(name)
    {
        HiddenChannels = hiddenChannels;
        int pad = kernelSize / 2;
        inputGates = nn.Conv2d(inChannels, 3 * hiddenChannels, kernelSize, padding: pad);
        hiddenGates = nn.Conv2d(hiddenChannels, 2 * hiddenChannels, kernelSize, padding: pad, bias: false);
        hiddenCandidate = nn.Conv2d(hiddenChannels, hiddenChannels, kernelSize, padding: pad, bias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor? state)
    {
        // The step's temporaries (gate maps, activations) are freed when it returns, as PyTorch frees
        // a tensor when its last reference goes; otherwise a rollout keeps every step's intermediates until the
        // caller's scope ends (bench/README.md, "the recurrent cells kept every step's temporaries alive").
        // Autograd keeps what backward needs either way.
        using var scope = NewDisposeScope();
        var fromX = inputGates.call(x).chunk(3, dim: 1);    // 3 × (B, hidden, H, W)
        if (state is not Tensor h)                          // h = 0 (the first step): both hidden convolutions are 0, skip them
            return (fromX[0].sigmoid() * fromX[2].tanh()).MoveToOuterDisposeScope();
        var fromH = hiddenGates.call(h).chunk(2, dim: 1);   // 2 × (B, hidden, H, W)
        var z = (fromX[0] + fromH[0]).sigmoid();
        var r = (fromX[1] + fromH[1]).sigmoid();
        var candidate = (fromX[2] + hiddenCandidate.call(r * h)).tanh();
        return ((1 - z) * h + z * candidate).MoveToOuterDisposeScope();
    }
}
