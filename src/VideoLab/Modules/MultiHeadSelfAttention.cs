using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// Multi-head scaled dot-product self-attention (Vaswani et al. 2017), written out so that the attention
/// weights can be kept for plots: set <see cref="KeepWeights"/> and read <see cref="LastWeights"/> after a
/// forward. <c>(B, N, D) → (B, N, D)</c>; with <c>causal</c>, token i attends to tokens ≤ i only.
/// Shared by the predictors and the generators.
/// </summary>
public sealed class MultiHeadSelfAttention : nn.Module<Tensor, Tensor>
{
    readonly Linear qkv;   // D → 3D: queries, keys, values of every head
    readonly Linear output; // D → D
    readonly int heads;
    readonly bool causal;
    Tensor? lastWeights;

    public MultiHeadSelfAttention(string name, int dim, int heads, bool causal = false) : base(name)
    {
        if (dim % heads != 0) throw new ArgumentException($"{name}: dimension {dim} is not divisible by {heads} heads.");
        this.heads = heads;
        this.causal = causal;
        qkv = nn.Linear(dim, 3 * dim);
        output = nn.Linear(dim, dim);
        RegisterComponents();
    }

    /// <summary>Keep a detached CPU copy of the attention weights of each forward (off by default: it costs memory).</summary>
    public bool KeepWeights { get; set; }

    /// <summary>The weights of the last forward with <see cref="KeepWeights"/> on: <c>(B, heads, N, N)</c>, rows sum to 1; null before.</summary>
    public Tensor? LastWeights => lastWeights;

    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], n = x.shape[1], d = x.shape[2];
        var parts = qkv.call(x).reshape(b, n, 3, heads, d / heads).permute(2, 0, 3, 1, 4);  // (3, B, heads, N, D/heads)
        var (q, k, v) = (parts[0], parts[1], parts[2]);
        var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(d / heads);                  // (B, heads, N, N)
        if (causal)
        {
            using var future = ones(n, n, dtype: ScalarType.Bool, device: x.device).triu(1);  // (N, N): true above the diagonal
            scores = scores.masked_fill(future, float.NegativeInfinity);
        }
        var weights = scores.softmax(-1);                                                   // (B, heads, N, N)
        if (KeepWeights)
        {
            lastWeights?.Dispose();
            lastWeights = weights.detach().cpu().clone().DetachFromDisposeScope();
        }
        var mixed = weights.matmul(v).transpose(1, 2).reshape(b, n, d);                      // (B, N, D)
        return output.call(mixed);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) lastWeights?.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>
/// A divided space–time attention block (Bertasius et al. 2021, TimeSformer, "divided" variant): tokens
/// <c>(B, T, N, D)</c> — T frames of N patches — attend first along time (each patch position to itself in
/// other frames), then along space (each frame's patches to each other), then an MLP; pre-LayerNorm and
/// residuals around each. With <c>causal</c> time attention a frame sees only earlier frames (for
/// autoregressive prediction). Used by <c>VideoTransformer</c> and as SimVP's attention translator.
/// </summary>
public sealed class DividedSpaceTimeBlock : nn.Module<Tensor, Tensor>
{
    readonly LayerNorm timeNorm;
    readonly LayerNorm spaceNorm;
    readonly LayerNorm mlpNorm;
    readonly Sequential mlp;
    // Fields, not auto-properties: TorchSharp names submodules after fields, and an auto-property's field is
    // "<TimeAttention>k__BackingField", which would end up in every checkpoint's parameter names.
    readonly MultiHeadSelfAttention timeAttention;
    readonly MultiHeadSelfAttention spaceAttention;

    /// <summary>Attention along time; its <see cref="MultiHeadSelfAttention.LastWeights"/> are <c>(B·N, heads, T, T)</c>.</summary>
    public MultiHeadSelfAttention TimeAttention => timeAttention;
    /// <summary>Attention along space; its <see cref="MultiHeadSelfAttention.LastWeights"/> are <c>(B·T, heads, N, N)</c>.</summary>
    public MultiHeadSelfAttention SpaceAttention => spaceAttention;

    public DividedSpaceTimeBlock(string name, int dim, int heads, double mlpRatio = 4, bool causal = false) : base(name)
    {
        timeNorm = nn.LayerNorm(dim);
        timeAttention = new MultiHeadSelfAttention("timeAttention", dim, heads, causal);
        spaceNorm = nn.LayerNorm(dim);
        spaceAttention = new MultiHeadSelfAttention("spaceAttention", dim, heads);
        mlpNorm = nn.LayerNorm(dim);
        int hidden = (int)(dim * mlpRatio);
        mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], t = x.shape[1], n = x.shape[2], d = x.shape[3];
        var alongTime = x.transpose(1, 2).reshape(b * n, t, d);                                  // (B·N, T, D)
        x = x + TimeAttention.call(timeNorm.call(alongTime)).reshape(b, n, t, d).transpose(1, 2); // (B, T, N, D)
        var alongSpace = x.reshape(b * t, n, d);                                                 // (B·T, N, D)
        x = x + SpaceAttention.call(spaceNorm.call(alongSpace)).reshape(b, t, n, d);             // (B, T, N, D)
        return x + mlp.call(mlpNorm.call(x));
    }
}
