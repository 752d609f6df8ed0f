using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>
/// A 5×5, stride-1, "same"-padded (padding 2) 2-D convolution (cross-correlation, as <c>conv2d</c>) computed with
/// Winograd's minimal filtering algorithm F(2×2, 5×5) (Lavin and Gray 2016, "Fast Algorithms for Convolutional Neural
/// Networks"). Why: the recurrent cells' 5×5 gate convolutions already run at this CPU's sgemm peak, so only fewer
/// multiplications can make them faster. F(2×2, 5×5) turns each 6×6 input tile into one 2×2 output tile with 36
/// channel-pair products instead of the direct 2·2·25 = 100 (2.78× fewer), at the price of three linear transforms:
/// <code>
/// Y = Aᵀ [ Σ_c (G g_{k,c} Gᵀ) ⊙ (Bᵀ d_c B) ] A        (per output tile, per output channel k)
/// </code>
/// The channel sum is done as 36 batched GEMMs, one per tile position: (tiles × Cin) · (Cin × Cout).
/// <para>
/// Everything is ordinary TorchSharp tensor ops (pad, unfold, matmul, bmm, permute), so autograd gives the backward
/// pass (for x, w and b) without a hand-written rule. The 2-D transforms are applied as Kronecker products
/// (36×36, 4×36, 36×25) in single large GEMMs rather than as two small 6×6 products each.
/// </para>
/// <para>
/// The matrices come from Toom–Cook interpolation at the points 0, 1, −1, ½, −½ and ∞ (the points with the smallest
/// powers, hence the best float32 accuracy for a 6-point F(2, 5)): for the 1-D correlation y_i = Σ_k d_{i+k} g_k,
/// Aᵀ = V₂ᵀ, G = V₅ and Bᵀ = V₆⁻ᵀ, with V_n the 6 × n evaluation matrix of a degree-(n−1) polynomial at those points
/// (the ∞ row picks the leading coefficient). Row i of Bᵀ is then scaled by s_i and row i of G by 1/s_i
/// (s = 1, 6, 6, ¾, ¾, 4), which leaves the product unchanged and makes Bᵀ integer: the input transform, applied to
/// every tile, is exact in its constants, and the non-dyadic factors (⅙, ⅓) sit in the weight transform, done once
/// per call. The result differs from direct convolution by float32 rounding only (about 1e-5 relative; see
/// WinogradConv5x5Tests).
/// </para>
/// Sizes that are not multiples of 2 are handled by padding the input by one extra zero row/column and cropping the output.
/// <para>
/// Not used by the cells: at the bench's ConvLSTM 4 × 32 gate shapes (batch 16, 16×16, 48 or 64 → 128) forward + backward
/// measured 1.4–1.7× slower than conv2d at 2 threads and break-even at 1 thread (bench/winograd/README.md). Its GEMMs have
/// K = Cin only and run well below oneDNN's direct convolution, and the transforms are memory-bound extra passes.
/// It wins only at larger widths (hidden 64, 128 → 256: 0.71× at 1 thread, 0.92× at 2).
/// </para>
/// </summary>
public static class WinogradConv5x5
{
    // 1-D F(2, 5) matrices (see the summary for the derivation and row scaling).
    static readonly double[,] BT =
    {
        { 1,  0, -5,  0,  4, 0 },
        { 0, -1, -1,  4,  4, 0 },
        { 0,  1, -1, -4,  4, 0 },
        { 0,  1,  2, -1, -2, 0 },
        { 0, -1,  2,  1, -2, 0 },
        { 0,  1,  0, -5,  0, 4 },
    };

    static readonly double[,] G =
    {
        { 1,         0,          0,         0,          0        },
        { 1.0 / 6,   1.0 / 6,    1.0 / 6,   1.0 / 6,    1.0 / 6  },
        { 1.0 / 6,  -1.0 / 6,    1.0 / 6,  -1.0 / 6,    1.0 / 6  },
        { 4.0 / 3,   2.0 / 3,    1.0 / 3,   1.0 / 6,    1.0 / 12 },
        { 4.0 / 3,  -2.0 / 3,    1.0 / 3,  -1.0 / 6,    1.0 / 12 },
        { 0,         0,          0,         0,          0.25     },
    };

    static readonly double[,] AT =
    {
        { 1, 1,  1, 1,    1,   0 },
        { 0, 1, -1, 0.5, -0.5, 1 },
    };

    /// <summary>Kronecker product M ⊗ M as a row-major float array: entry (i·c + j, k·c + l) = M[i,k]·M[j,l].</summary>
    static float[] Kron(double[,] m)
    {
        int r = m.GetLength(0), c = m.GetLength(1);
        var k = new float[r * r * c * c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < r; j++)
                for (int a = 0; a < c; a++)
                    for (int b = 0; b < c; b++)
                        k[(i * r + j) * (c * c) + a * c + b] = (float)(m[i, a] * m[j, b]);
        return k;
    }

    static readonly float[] InputTransform = Kron(BT);   // (36, 36): vec(Bᵀ d B) = (Bᵀ ⊗ Bᵀ) vec(d), row-major vec
    static readonly float[] WeightTransform = Kron(G);   // (36, 25): vec(G g Gᵀ)
    static readonly float[] OutputTransform = Kron(AT);  // (4, 36):  vec(Aᵀ m A)

    /// <summary>
    /// <c>conv2d(x, weight, bias, stride 1, padding 2)</c> for <paramref name="x"/> <c>(B, Cin, H, W)</c> and
    /// <paramref name="weight"/> <c>(Cout, Cin, 5, 5)</c>; <paramref name="bias"/> <c>(Cout)</c> or null. Returns
    /// <c>(B, Cout, H, W)</c> with channels-last strides (the layout the recurrent cells keep on the CPU; see
    /// <see cref="MemoryFormat"/>). Differentiable in all three inputs.
    /// </summary>
    public static Tensor Conv(Tensor x, Tensor weight, Tensor? bias = null)
    {
        Check(x, weight, bias);
        using var scope = NewDisposeScope();
        long n = x.shape[0], cin = x.shape[1], h = x.shape[2], w = x.shape[3], cout = weight.shape[0];
        long th = (h + 1) / 2, tw = (w + 1) / 2;                        // output tiles per column and row
        var opts = (x.dtype, x.device);

        // Input: zero-pad by 2 (plus 1 where the size is odd) and cut into overlapping 6×6 tiles at stride 2.
        var padded = nn.functional.pad(x.permute(0, 2, 3, 1),          // (B, H, W, Cin)
                                       [0, 0, 2, 2 + (int)(2 * tw - w), 2, 2 + (int)(2 * th - h)]);
        var tiles = padded.unfold(1, 6, 2).unfold(2, 6, 2);            // (B, th, tw, Cin, 6, 6)
        var d = tiles.permute(4, 5, 0, 1, 2, 3).reshape(36, n * th * tw * cin);           // (36, T·Cin)
        var v = tensor(InputTransform, [36, 36], opts.dtype, opts.device).matmul(d)       // (36, T·Cin)
                .view(36, n * th * tw, cin);                                                // (36, T, Cin)

        // Weights: U = G g Gᵀ per (Cout, Cin) pair, laid out as 36 (Cin × Cout) matrices.
        var g = weight.permute(2, 3, 1, 0).reshape(25, cin * cout);                        // (25, Cin·Cout)
        var u = tensor(WeightTransform, [36, 25], opts.dtype, opts.device).matmul(g)      // (36, Cin·Cout)
                .view(36, cin, cout);

        var m = v.bmm(u);                                                                   // (36, T, Cout)

        // Output: Aᵀ m A per tile, then the 2×2 tiles back into the image.
        var y = tensor(OutputTransform, [4, 36], opts.dtype, opts.device).matmul(m.view(36, -1))  // (4, T·Cout)
                .view(2, 2, n, th, tw, cout)
                .permute(2, 3, 0, 4, 1, 5)                                                  // (B, th, 2, tw, 2, Cout)
                .reshape(n, 2 * th, 2 * tw, cout);
        if (2 * th != h || 2 * tw != w) y = y.narrow(1, 0, h).narrow(2, 0, w);
        y = bias is null ? y.contiguous() : y + bias;                                       // a cropped y is a strided view until here
        return y.permute(0, 3, 1, 2).MoveToOuterDisposeScope();                              // (B, Cout, H, W), channels-last
    }

    static void Check(Tensor x, Tensor weight, Tensor? bias)
    {
        if (x.dim() != 4)
            throw new ArgumentException($"{nameof(WinogradConv5x5)}: x must be (B, Cin, H, W), got shape [{string.Join(", ", x.shape)}].");
        if (weight.dim() != 4 || weight.shape[2] != 5 || weight.shape[3] != 5)
            throw new ArgumentException($"{nameof(WinogradConv5x5)}: weight must be (Cout, Cin, 5, 5) (F(2×2, 5×5) only), got shape [{string.Join(", ", weight.shape)}].");
        if (weight.shape[1] != x.shape[1])
            throw new ArgumentException($"{nameof(WinogradConv5x5)}: weight has {weight.shape[1]} input channels, x has {x.shape[1]}.");
        if (bias is not null && (bias.dim() != 1 || bias.shape[0] != weight.shape[0]))
            throw new ArgumentException($"{nameof(WinogradConv5x5)}: bias must be ({weight.shape[0]}), got shape [{string.Join(", ", bias.shape)}].");
        if (x.dtype != weight.dtype)
            throw new ArgumentException($"{nameof(WinogradConv5x5)}: x is {x.dtype}, weight is {weight.dtype}.");
    }
}
