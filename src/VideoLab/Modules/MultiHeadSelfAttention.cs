using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// The keys and values a causal attention has computed so far, <c>(B, heads, L, D/heads)</c> each: with them a
/// new token attends to the earlier ones without recomputing them (the "KV cache" of autoregressive decoding).
/// Filled by <see cref="MultiHeadSelfAttention.Append"/>; empty at first. Unlike <see cref="KeyValueCache"/>
/// (the code prior's sampling, written in place under no_grad), it grows by concatenation, so a training rollout
/// back-propagates through it.
/// </summary>
public sealed class AttentionCache
{
    public Tensor? Keys { get; internal set; }
    public Tensor? Values { get; internal set; }

    /// <summary>Tokens cached so far.</summary>
    public long Length => Keys?.shape[2] ?? 0;
}

/// <summary>
/// Multi-head scaled dot-product self-attention (Vaswani et al. 2017), written out so that the attention
/// weights can be kept for plots: set <see cref="KeepWeights"/> and read <see cref="LastWeights"/> after a
/// forward. <c>(B, N, D) → (B, N, D)</c>; with <c>causal</c>, token i attends to tokens ≤ i only.
/// <see cref="Append"/> attends from new tokens over cached earlier ones, for autoregressive rollouts.
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

    /// <summary>
    /// The weights of the last forward with <see cref="KeepWeights"/> on: <c>(B, heads, N, N)</c> (after
    /// <see cref="Append"/>: <c>(B, heads, n, past + n)</c>), rows sum to 1; null before.
    /// </summary>
    public Tensor? LastWeights => lastWeights;

    public override Tensor forward(Tensor x) => Attend(x, cache: null);

    /// <summary>
    /// Attends from the new tokens <paramref name="x"/> <c>(B, n, D)</c> over the cached earlier tokens and
    /// themselves, then adds their keys and values to <paramref name="cache"/>. With a causal mask the result
    /// equals the last n rows of a forward over all the tokens.
    /// </summary>
    public Tensor Append(Tensor x, AttentionCache cache) =>
        causal ? Attend(x, cache)
               : throw new InvalidOperationException("MultiHeadSelfAttention.Append: only a causal attention can extend a sequence " +
                                                     "token by token (earlier outputs would change); call forward on the whole sequence.");

    Tensor Attend(Tensor x, AttentionCache? cache)
    {
        long b = x.shape[0], n = x.shape[1], d = x.shape[2];
        var parts = qkv.call(x).reshape(b, n, 3, heads, d / heads).permute(2, 0, 3, 1, 4);  // (3, B, heads, n, D/heads)
        var (q, k, v) = (parts[0], parts[1], parts[2]);
        long past = 0;
        if (cache is not null)
        {
            past = cache.Length;
            if (past > 0) (k, v) = (cat([cache.Keys!, k], 2), cat([cache.Values!, v], 2));  // (B, heads, past + n, D/heads)
            (cache.Keys, cache.Values) = (k, v);
        }
        var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(d / heads);                  // (B, heads, n, past + n)
        if (causal)
        {
            // New token i sits at position past + i: it may not see positions after that.
            using var future = ones(n, past + n, dtype: ScalarType.Bool, device: x.device).triu(past + 1);  // (n, past + n)
            scores = scores.masked_fill(future, float.NegativeInfinity);
        }
        var weights = scores.softmax(-1);                                                   // (B, heads, n, past + n)
        if (KeepWeights)
        {
            lastWeights?.Dispose();
            lastWeights = weights.detach().cpu().clone().DetachFromDisposeScope();
        }
        var mixed = weights.matmul(v).transpose(1, 2).reshape(b, n, d);                      // (B, n, D)
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

    public override Tensor forward(Tensor x) => Run(x, timeCache: null);

    /// <summary>
    /// The block on new frames <c>(B, t, N, D)</c> that follow the frames whose time-attention keys and values
    /// are in <paramref name="timeCache"/> (causal blocks only): equals the last t frames of a forward over all
    /// of them, since only time attention mixes frames. Adds the new frames to the cache.
    /// </summary>
    public Tensor Append(Tensor x, AttentionCache timeCache) => Run(x, timeCache);

    Tensor Run(Tensor x, AttentionCache? timeCache)
    {
        long b = x.shape[0], t = x.shape[1], n = x.shape[2], d = x.shape[3];
        var alongTime = timeNorm.call(x.transpose(1, 2).reshape(b * n, t, d));                   // (B·N, T, D)
        var attended = timeCache is null ? timeAttention.call(alongTime) : timeAttention.Append(alongTime, timeCache);
        x = x + attended.reshape(b, n, t, d).transpose(1, 2);                                    // (B, T, N, D)
        var alongSpace = x.reshape(b * t, n, d);                                                 // (B·T, N, D)
        x = x + spaceAttention.call(spaceNorm.call(alongSpace)).reshape(b, t, n, d);             // (B, T, N, D)
        return x + mlp.call(mlpNorm.call(x));
    }
}
