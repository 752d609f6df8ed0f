using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// Large-kernel attention (Guo et al. 2022, "Visual Attention Network"): a 21×21 receptive field from a
/// 5×5 depth-wise, a 7×7 depth-wise dilated (3) and a 1×1 convolution. Two flavours, as OpenSTL's:
/// <list type="bullet">
/// <item><b>gated</b> (SimVP v2's gSTA, Tan et al. 2022): the 1×1 gives 2·C channels [f, g], output σ(g) ⊙ f;</item>
/// <item><b>squeeze-excite</b> (TAU, Tan et al. 2023): the 1×1 gives C channels f, and a channel attention
/// a = σ(W₂ ReLU(W₁ avgpool(x))) multiplies it: output a ⊙ f ⊙ x.</item>
/// </list>
/// <c>(B, C, H, W) → (B, C, H, W)</c>.
/// </summary>
public sealed class LargeKernelAttention : nn.Module<Tensor, Tensor>
{
    readonly Conv2d local;      // 5×5 depth-wise
    readonly Conv2d dilated;    // 7×7 depth-wise, dilation 3
    readonly Conv2d mix;        // 1×1: C → 2C (gated) or C (squeeze-excite)
    readonly Sequential? excite; // channel attention (TAU only)
    readonly bool gated;

    public LargeKernelAttention(string name, int channels, bool gated, int kernelSize = 21, int dilation = 3) : base(name)
    {
        this.gated = gated;
        int localKernel = 2 * dilation - 1;                                                    // 5
        int dilatedKernel = kernelSize / dilation + ((kernelSize / dilation) % 2 - 1);         // 7 (made odd)
        local = nn.Conv2d(channels, channels, localKernel, padding: localKernel / 2, groups: channels);
        dilated = nn.Conv2d(channels, channels, dilatedKernel, padding: dilation * (dilatedKernel - 1) / 2,
                            dilation: dilation, groups: channels);
        mix = nn.Conv2d(channels, gated ? 2 * channels : channels, 1);
        if (!gated)
        {
            int squeezed = channels / Math.Max(channels / 16, 4);  // OpenSTL's TAU reduction rule
            excite = nn.Sequential(nn.Linear(channels, squeezed, hasBias: false), nn.ReLU(),
                                   nn.Linear(squeezed, channels, hasBias: false), nn.Sigmoid());
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var attention = mix.call(dilated.call(local.call(x)));  // (B, 2C or C, H, W)
        if (gated)
        {
            var parts = attention.chunk(2, dim: 1);              // f, g: (B, C, H, W)
            return parts[1].sigmoid() * parts[0];
        }
        var channelWeights = excite!.call(x.mean([2, 3]));       // (B, C)
        return channelWeights.unsqueeze(-1).unsqueeze(-1) * attention * x;
    }
}

/// <summary>
/// The translator block of SimVP v2 (gSTA) and TAU, MetaFormer-shaped as in OpenSTL:
/// <code>
/// x = x + λ₁ ⊙ proj₂(LKA(GELU(proj₁(BN(x))))) + shortcut inside the attention branch
/// x = x + λ₂ ⊙ MLP(BN(x))     with MLP = 1×1 → 3×3 depth-wise → GELU → 1×1 (hidden = ratio·C)
/// </code>
/// λ are per-channel layer scales starting at 0.01. No stochastic depth (OpenSTL's Moving MNIST configs use drop_path 0).
/// <c>(B, C, H, W) → (B, C, H, W)</c>.
/// </summary>
public sealed class GatedSpatiotemporalBlock : nn.Module<Tensor, Tensor>
{
    readonly BatchNorm2d norm1;
    readonly Conv2d project1;
    readonly GELU act;
    readonly LargeKernelAttention attention;
    readonly Conv2d project2;
    readonly BatchNorm2d norm2;
    readonly Conv2d expand;        // 1×1: C → ratio·C
    readonly Conv2d depthwise;     // 3×3 depth-wise on ratio·C
    readonly GELU mlpAct;
    readonly Conv2d shrink;        // 1×1: ratio·C → C
    readonly Parameter scale1;
    readonly Parameter scale2;

    /// <param name="name">Module name.</param>
    /// <param name="channels">C.</param>
    /// <param name="mlpRatio">Hidden width of the MLP over C.</param>
    /// <param name="tau">false: gSTA's gated attention; true: TAU's squeeze-excite attention.</param>
    public GatedSpatiotemporalBlock(string name, int channels, double mlpRatio, bool tau = false) : base(name)
    {
        int hidden = (int)(channels * mlpRatio);
        norm1 = nn.BatchNorm2d(channels);
        project1 = nn.Conv2d(channels, channels, 1);
        act = nn.GELU();
        attention = new LargeKernelAttention("attention", channels, gated: !tau);
        project2 = nn.Conv2d(channels, channels, 1);
        norm2 = nn.BatchNorm2d(channels);
        expand = nn.Conv2d(channels, hidden, 1);
        depthwise = nn.Conv2d(hidden, hidden, 3, padding: 1, groups: hidden);
        mlpAct = nn.GELU();
        shrink = nn.Conv2d(hidden, channels, 1);
        scale1 = nn.Parameter(full(channels, 1e-2f));
        scale2 = nn.Parameter(full(channels, 1e-2f));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = norm1.call(x);
        var attended = project2.call(attention.call(act.call(project1.call(y)))) + y;        // (B, C, H, W), OpenSTL's attn_shortcut
        x = x + scale1.reshape(1, -1, 1, 1) * attended;
        // The MLP runs channels-last on the CPU: its 1×1 convolutions are then plain matrix products and its 3×3
        // depth-wise convolution runs on NHWC directly, where in NCHW oneDNN reorders each ratio·C-channel map before and
        // after every call; the attention branch stays NCHW, its dilated 7×7 being slower channels-last (bench/README.md,
        // "channels-last MLP in SimVP's translator"). `contiguous` hands the residual sum NCHW again.
        var mlpInput = MemoryFormat.ChannelsLastOnCpu(norm2.call(x));
        var mlp = shrink.call(mlpAct.call(depthwise.call(expand.call(mlpInput)))).contiguous();  // (B, C, H, W)
        return x + scale2.reshape(1, -1, 1, 1) * mlp;
    }
}
