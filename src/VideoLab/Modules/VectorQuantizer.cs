using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Modules;

/// <summary>What the quantiser returns for a grid of encoder vectors.</summary>
/// <param name="Quantized">The nearest code vectors with straight-through gradients, <c>(B, D, t, h, w)</c>.</param>
/// <param name="Codes">The code indices, <c>(B, t, h, w)</c>, int64.</param>
/// <param name="Commitment">β·‖z − sg(e)‖², the commitment loss (a scalar).</param>
/// <param name="Perplexity">exp(entropy) of the code histogram of this batch: how many codes are in effective use (a scalar).</param>
public sealed record QuantizerOutput(Tensor Quantized, Tensor Codes, Tensor Commitment, Tensor Perplexity);

/// <summary>
/// The vector quantiser of VQ-VAE (van den Oord et al. 2017, "Neural Discrete Representation
/// Learning") with the codebook learned by exponential moving averages (the paper's appendix), as
/// VideoGPT (Yan et al. 2021) uses it:
/// <list type="bullet">
/// <item>each encoder vector z is replaced by its nearest code e_k (squared Euclidean distance);</item>
/// <item>straight-through gradients: the decoder's gradient w.r.t. e_k is passed to z unchanged;</item>
/// <item>commitment loss β·‖z − sg(e_k)‖² (β = 0.25) keeps the encoder close to its codes;</item>
/// <item>in training mode each forward updates the codebook, not by gradient: N_k ← γN_k + (1−γ)n_k,
///   m_k ← γm_k + (1−γ)Σz, e_k = m_k / Ñ_k with Laplace-smoothed counts Ñ_k (γ = 0.99);</item>
/// <item>the codebook is initialised from encoder outputs of the first training batch (VideoGPT);</item>
/// <item>dead-code restarts (VideoGPT): codes whose EMA count N_k falls below a threshold (1) are
///   re-initialised to random encoder outputs of the current batch. Changed: the restarted code's EMA
///   statistics are reset too (N_k = threshold, m_k = threshold·z), so the restart is not undone by the
///   next average.</item>
/// </list>
/// Usage counts (<see cref="UsageCounts"/>) and perplexity are exposed for plots.
/// </summary>
public sealed class VectorQuantizer : nn.Module<Tensor, QuantizerOutput>
{
    readonly Tensor codebook;     // (K, D) the code vectors e_k (a buffer: learned by EMA, not by gradient)
    readonly Tensor emaCount;     // (K) N_k
    readonly Tensor emaSum;       // (K, D) m_k
    readonly Tensor initialised;  // () 1 once the codebook was set from encoder outputs

    public VectorQuantizer(int codebookSize, int dimension, double commitmentWeight = 0.25, double decay = 0.99,
                           double deadCodeThreshold = 1.0, double epsilon = 1e-5) : base(nameof(VectorQuantizer))
    {
        if (codebookSize < 2 || dimension < 1)
            throw new ArgumentException($"VectorQuantizer needs at least 2 codes of dimension ≥ 1; got {codebookSize} codes of dimension {dimension}.");
        if (decay is <= 0 or >= 1) throw new ArgumentException($"VectorQuantizer decay must be in (0, 1); got {decay}.");
        CodebookSize = codebookSize;
        Dimension = dimension;
        CommitmentWeight = commitmentWeight;
        Decay = decay;
        DeadCodeThreshold = deadCodeThreshold;
        Epsilon = epsilon;
        codebook = randn(codebookSize, dimension);
        emaCount = ones(codebookSize);
        emaSum = codebook.clone();
        initialised = zeros(1, dtype: ScalarType.Int64);
        RegisterComponents();
    }

    public int CodebookSize { get; }
    public int Dimension { get; }
    public double CommitmentWeight { get; }
    public double Decay { get; }
    public double DeadCodeThreshold { get; }
    public double Epsilon { get; }

    /// <summary>The code vectors <c>(K, D)</c> (the live buffer: do not dispose).</summary>
    public Tensor Codebook => codebook;

    /// <summary>The EMA usage count N_k of each code <c>(K)</c> (the live buffer: do not dispose).</summary>
    public Tensor UsageCounts => emaCount;

    /// <summary>How often each of the K codes occurs in <paramref name="codes"/> (any shape): the histogram codebook plots show.</summary>
    public long[] CodeHistogram(Tensor codes)
    {
        using var counts = codes.flatten().bincount(null, CodebookSize).cpu();  // (K)
        return counts.data<long>().ToArray();
    }

    /// <summary>Codes restarted by the last training forward.</summary>
    public int LastRestarts { get; private set; }

    /// <summary>Sets the codebook (and resets its EMA statistics to it), e.g. for tests or to start from k-means.</summary>
    public void SetCodebook(Tensor vectors)
    {
        if (vectors.dim() != 2 || vectors.shape[0] != CodebookSize || vectors.shape[1] != Dimension)
            throw new ArgumentException($"SetCodebook: expected ({CodebookSize}, {Dimension}), got {VideoShape.Format(vectors.shape)}.");
        using var _ = no_grad();
        codebook.copy_(vectors);
        emaSum.copy_(vectors);
        emaCount.fill_(1);
        initialised.fill_(1);
    }

    /// <summary>The index of the nearest code for each row of <paramref name="flat"/> <c>(N, D)</c> → <c>(N)</c>.</summary>
    public Tensor Nearest(Tensor flat)
    {
        var distances = flat.pow(2).sum(1, keepdim: true)                      // (N, 1)
                        - 2 * flat.matmul(codebook.t())                         // (N, K)
                        + codebook.pow(2).sum(1, keepdim: false).unsqueeze(0);    // (1, K)
        return distances.argmin(1);                                            // (N)
    }

    /// <summary>The code indices of encoder outputs <c>(B, D, t, h, w)</c> → <c>(B, t, h, w)</c>, without any update.</summary>
    public Tensor Encode(Tensor z)
    {
        using var _ = no_grad();
        var flat = ToRows(z);                                                  // (B*t*h*w, D)
        return Nearest(flat).view(z.shape[0], z.shape[2], z.shape[3], z.shape[4]);  // (B, t, h, w)
    }

    /// <summary>The code vectors of <paramref name="codes"/> <c>(B, t, h, w)</c> → <c>(B, D, t, h, w)</c>.</summary>
    public Tensor Lookup(Tensor codes)
    {
        if (codes.dtype != ScalarType.Int64) throw new ArgumentException($"VectorQuantizer.Lookup: expected int64 codes, got {codes.dtype}.");
        var vectors = codebook.index_select(0, codes.flatten())                // (B*t*h*w, D)
                              .view(codes.shape[0], codes.shape[1], codes.shape[2], codes.shape[3], Dimension);  // (B, t, h, w, D)
        return vectors.permute(0, 4, 1, 2, 3);                                 // (B, D, t, h, w)
    }

    public override QuantizerOutput forward(Tensor z)
    {
        if (z.dim() != 5 || z.shape[1] != Dimension)
            throw new ArgumentException($"VectorQuantizer: expected encoder outputs (B, {Dimension}, t, h, w), got {VideoShape.Format(z.shape)}.");
        var flat = ToRows(z);                                                  // (N, D), N = B*t*h*w
        if (training && initialised.item<long>() == 0) InitialiseFrom(flat.detach());
        var codes = Nearest(flat.detach());                                    // (N)
        var chosen = codebook.index_select(0, codes);                          // (N, D), no gradient (buffer)
        var oneHot = nn.functional.one_hot(codes, CodebookSize).to(flat.dtype);  // (N, K)
        if (training) UpdateCodebook(flat.detach(), oneHot);

        var commitment = CommitmentWeight * nn.functional.mse_loss(flat, chosen);
        var straightThrough = flat + (chosen - flat).detach();                // value of e_k, gradient of z
        var probabilities = oneHot.mean([0]);                                  // (K)
        var perplexity = (-(probabilities * (probabilities + 1e-10).log()).sum()).exp();

        long b = z.shape[0], t = z.shape[2], h = z.shape[3], w = z.shape[4];
        var quantized = straightThrough.view(b, t, h, w, Dimension).permute(0, 4, 1, 2, 3);  // (B, D, t, h, w)
        return new QuantizerOutput(quantized, codes.view(b, t, h, w), commitment, perplexity);
    }

    /// <summary>(B, D, t, h, w) → (B·t·h·w, D).</summary>
    static Tensor ToRows(Tensor z) => z.permute(0, 2, 3, 4, 1).reshape(-1, z.shape[1]);

    void InitialiseFrom(Tensor flat)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        SetCodebook(RandomRows(flat, CodebookSize));
    }

    /// <summary><paramref name="count"/> random rows of <paramref name="flat"/> (with repetition when it has fewer).</summary>
    static Tensor RandomRows(Tensor flat, long count)
    {
        var order = flat.shape[0] >= count
            ? randperm(flat.shape[0], device: flat.device)[..(int)count]
            : randint(flat.shape[0], [count], device: flat.device);
        return flat.index_select(0, order);                                    // (count, D)
    }

    void UpdateCodebook(Tensor flat, Tensor oneHot)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var counts = oneHot.sum(0, keepdim: false);                            // (K) n_k
        var sums = oneHot.t().matmul(flat);                                    // (K, D) Σ z assigned to k
        emaCount.mul_(Decay).add_(counts, alpha: 1 - Decay);
        emaSum.mul_(Decay).add_(sums, alpha: 1 - Decay);
        var total = emaCount.sum();
        var smoothed = (emaCount + Epsilon) / (total + CodebookSize * Epsilon) * total;  // (K) Laplace smoothing
        codebook.copy_(emaSum / smoothed.unsqueeze(1));

        var dead = emaCount.lt(DeadCodeThreshold);                             // (K)
        LastRestarts = (int)dead.sum().item<long>();
        if (LastRestarts == 0) return;
        var fresh = RandomRows(flat, CodebookSize);                            // (K, D) candidates from this batch
        var deadRows = dead.unsqueeze(1);                                      // (K, 1)
        codebook.copy_(where(deadRows, fresh, codebook));
        emaSum.copy_(where(deadRows, fresh * DeadCodeThreshold, emaSum));
        emaCount.copy_(where(dead, full_like(emaCount, DeadCodeThreshold), emaCount));
    }
}
