using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// One pre-norm GPT block (Radford et al. 2019, GPT-2): x + Attn(LN(x)), then x + MLP(LN(x)) with a
/// 4× GELU MLP. <c>(B, L, width)</c> → <c>(B, L, width)</c>, causal through <see cref="CausalSelfAttention"/>.
/// </summary>
public sealed class GptBlock : nn.Module<Tensor, Tensor>
{
    readonly LayerNorm norm1, norm2;
    readonly CausalSelfAttention attention;
    readonly Sequential mlp;

    public GptBlock(int width, int heads, double dropout) : base(nameof(GptBlock))
    {
        norm1 = nn.LayerNorm(width);
        attention = new CausalSelfAttention(width, heads, dropout);
        norm2 = nn.LayerNorm(width);
        mlp = nn.Sequential(
            ("expand", nn.Linear(width, 4 * width)),
            ("gelu", nn.GELU()),
            ("project", nn.Linear(4 * width, width)),
            ("dropout", nn.Dropout(dropout)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = x + attention.call(norm1.call(x));
        return x + mlp.call(norm2.call(x));
    }
}
