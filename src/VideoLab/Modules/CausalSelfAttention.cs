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
