using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// Multi-head self-attention with a causal mask (Vaswani et al. 2017; GPT, Radford et al. 2018):
/// position i attends to positions ≤ i only, so a stack of these predicts token i+1 from tokens ≤ i.
/// <c>(B, L, width)</c> → <c>(B, L, width)</c>. Written out (no fused kernel) so the mask is plain to see.
/// </summary>
public sealed class CausalSelfAttention : nn.Module<Tensor, Tensor>
{
    readonly Linear qkv, projection;
    readonly Dropout attentionDropout, outputDropout;
    readonly int heads;

    public CausalSelfAttention(int width, int heads, double dropout) : base(nameof(CausalSelfAttention))
    {
        if (width % heads != 0)
            throw new ArgumentException($"CausalSelfAttention: width {width} must be divisible by the number of heads {heads}.");
        this.heads = heads;
        qkv = nn.Linear(width, 3 * width);
        projection = nn.Linear(width, width);
        attentionDropout = nn.Dropout(dropout);
        outputDropout = nn.Dropout(dropout);
        RegisterComponents();
    }

    /// <summary>A cache sized for this layer: <paramref name="batch"/> sequences of up to <paramref name="maxLength"/> tokens of <paramref name="width"/>.</summary>
    public KeyValueCache NewCache(long batch, long maxLength, long width, Device device) => new(batch, heads, maxLength, width / heads, device);

    /// <summary>
    /// Incremental form for sampling: <paramref name="x"/> <c>(B, L_new, width)</c> holds the tokens at positions
    /// <paramref name="start"/>…; their keys and values are written into <paramref name="cache"/> and they attend
    /// to every cached position up to their own. Same result as <see cref="forward"/> on the whole sequence (in eval mode).
    /// </summary>
    public Tensor Step(Tensor x, KeyValueCache cache, long start)
    {
        long b = x.shape[0], length = x.shape[1], width = x.shape[2], headWidth = width / heads, end = start + length;
        var qkvHeads = qkv.call(x).view(b, length, 3, heads, headWidth)       // (B, L_new, 3, heads, hw)
                          .permute(2, 0, 3, 1, 4);                             // (3, B, heads, L_new, hw)
        cache.Keys[.., .., (int)start..(int)end] = qkvHeads[1];               // written in place
        cache.Values[.., .., (int)start..(int)end] = qkvHeads[2];
        var k = cache.Keys[.., .., ..(int)end];                               // (B, heads, end, hw)
        var v = cache.Values[.., .., ..(int)end];
        var scores = qkvHeads[0].matmul(k.transpose(-2, -1)) / Math.Sqrt(headWidth);  // (B, heads, L_new, end)
        var future = ones(length, end, dtype: ScalarType.Bool, device: x.device).triu(start + 1);  // new token i sees positions <= start + i
        var attention = scores.masked_fill(future, float.NegativeInfinity).softmax(-1);
        var mixed = attention.matmul(v).transpose(1, 2).reshape(b, length, width);  // (B, L_new, width)
        return projection.call(mixed);
    }

    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], length = x.shape[1], width = x.shape[2], headWidth = width / heads;
        var qkvHeads = qkv.call(x).view(b, length, 3, heads, headWidth)       // (B, L, 3, heads, hw)
                          .permute(2, 0, 3, 1, 4);                             // (3, B, heads, L, hw)
        var (q, k, v) = (qkvHeads[0], qkvHeads[1], qkvHeads[2]);               // each (B, heads, L, hw)
        var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(headWidth);     // (B, heads, L, L)
        var future = ones(length, length, dtype: ScalarType.Bool, device: x.device).triu(1);  // (L, L) true above the diagonal
        scores = scores.masked_fill(future, float.NegativeInfinity);
        var attention = attentionDropout.call(scores.softmax(-1));
        var mixed = attention.matmul(v)                                        // (B, heads, L, hw)
                             .transpose(1, 2).reshape(b, length, width);       // (B, L, width)
        return outputDropout.call(projection.call(mixed));
    }
}

/// <summary>Keys and values of one attention layer for every position so far, <c>(B, heads, maxLength, hw)</c> each, filled as sampling goes.</summary>
public sealed class KeyValueCache(long batch, int heads, long maxLength, long headWidth, Device device) : IDisposable
{
    public Tensor Keys { get; } = zeros([batch, heads, maxLength, headWidth], device: device);
    public Tensor Values { get; } = zeros([batch, heads, maxLength, headWidth], device: device);

    public void Dispose()
    {
        Keys.Dispose();
        Values.Dispose();
    }
}
