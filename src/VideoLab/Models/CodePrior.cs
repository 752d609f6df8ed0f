using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>
/// Configuration of <see cref="CodePrior"/>. The code grid it models is the clip size divided by the
/// VQ-VAE's downsampling factors, so the clip size (fitted to the data like any model's) and the
/// factors (which must equal the VQ-VAE's) are stored, and the grid derived. Defaults fit the default
/// <see cref="VqVaeConfig"/> on 20-frame 64×64 clips: a 10×16×16 grid of 2560 codes.
/// </summary>
public sealed record CodePriorConfig(
    int CodebookSize = 512,  // K: must equal the VQ-VAE's codebook size
    int Frames = 20,         // T of the clips (set from the data)
    int Height = 64,         // H of the clips (set from the data)
    int Width = 64,          // W of the clips (set from the data)
    int DownsampleT = 2,     // the VQ-VAE's T / t
    int DownsampleH = 4,     // the VQ-VAE's H / h
    int DownsampleW = 4,     // the VQ-VAE's W / w
    int Layers = 8,          // transformer blocks (VideoGPT: 8 on BAIR)
    int Heads = 4,           // attention heads
    int Embedding = 256,     // token embedding width (VideoGPT: 512 or 576)
    double Dropout = 0.1)    // dropout in attention and MLP
{
    /// <summary>t of the code grid.</summary>
    public int GridFrames => Frames / DownsampleT;
    /// <summary>h of the code grid.</summary>
    public int GridHeight => Height / DownsampleH;
    /// <summary>w of the code grid.</summary>
    public int GridWidth => Width / DownsampleW;

    /// <summary>Tokens in a whole clip's code grid: t·h·w.</summary>
    public int Length => GridFrames * GridHeight * GridWidth;
}

/// <summary>
/// A GPT-style prior over VQ-VAE codes (VideoGPT, Yan et al. 2021; the prior idea from van den Oord
/// et al. 2017): the code grid <c>(t, h, w)</c> is flattened in raster order (time, then rows, then
/// columns) and a causal transformer with learned position embeddings predicts each code from those
/// before it. A start token stands before the first code. Conditioning frames are simply a prefix:
/// the codes of the first latent frames of a real clip are given and the rest sampled, so one model
/// both generates new clips and continues given ones. Changed from VideoGPT: learned 1-D position
/// embeddings instead of its factorised axial ones, plain causal attention instead of sparse, and no
/// cached keys/values in sampling (each new code re-runs the prefix: simple, quadratic in length).
/// </summary>
public sealed class CodePrior : nn.Module<Tensor, Tensor>
{
    readonly Embedding tokens, positions;
    readonly ModuleList<GptBlock> blocks;
    readonly LayerNorm norm;
    readonly Linear head;

    public CodePrior(CodePriorConfig config) : base(nameof(CodePrior))
    {
        if (config.CodebookSize < 2 || config.DownsampleT < 1 || config.DownsampleH < 1 || config.DownsampleW < 1)
            throw new ArgumentException($"CodePriorConfig: need at least 2 codes and positive downsampling factors; got {config}.");
        if (config.Frames % config.DownsampleT != 0 || config.Height % config.DownsampleH != 0 || config.Width % config.DownsampleW != 0 || config.Length < 1)
            throw new ArgumentException(
                $"CodePriorConfig: clips ({config.Frames}, {config.Height}, {config.Width}) must be divisible by the factors " +
                $"({config.DownsampleT}, {config.DownsampleH}, {config.DownsampleW}) and give a non-empty grid.");
        Config = config;
        tokens = nn.Embedding(config.CodebookSize + 1, config.Embedding);     // the last index is the start token
        positions = nn.Embedding(config.Length, config.Embedding);
        blocks = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new GptBlock(config.Embedding, config.Heads, config.Dropout)).ToArray());
        norm = nn.LayerNorm(config.Embedding);
        head = nn.Linear(config.Embedding, config.CodebookSize, hasBias: false);
        RegisterComponents();
    }

    public CodePriorConfig Config { get; }
    long StartToken => Config.CodebookSize;

    /// <summary>
    /// Teacher-forced logits for a batch of code sequences <c>(B, L)</c> (or code grids <c>(B, t, h, w)</c>,
    /// flattened): <c>(B, L, K)</c>, where position i is the distribution of code i given codes 0..i−1.
    /// </summary>
    public override Tensor forward(Tensor codes)
    {
        var flat = Flatten(codes, "CodePrior.forward");                       // (B, L)
        return NextLogits(flat[.., ..^1]);                                     // (B, L, K)
    }

    /// <summary>Cross-entropy of <paramref name="codes"/> under the prior, in nats per code.</summary>
    public Tensor Loss(Tensor codes)
    {
        var flat = Flatten(codes, "CodePrior.Loss");                          // (B, L)
        var logits = forward(flat);                                            // (B, L, K)
        return nn.functional.cross_entropy(logits.flatten(0, 1), flat.flatten());
    }

    /// <summary>Logits for positions 0..L given a context <c>(B, L)</c>: <c>(B, L+1, K)</c>; the last row predicts the next code.</summary>
    Tensor NextLogits(Tensor context)
    {
        long b = context.shape[0], length = context.shape[1] + 1;
        if (length > Config.Length)
            throw new ArgumentException($"CodePrior: at most {Config.Length - 1} context codes (the grid has {Config.Length}); got {length - 1}.");
        var start = full(b, 1, StartToken, dtype: ScalarType.Int64, device: context.device);  // (B, 1)
        var input = cat([start, context], 1);                                  // (B, L+1)
        var x = tokens.call(input) + positions.call(arange(length, device: context.device));  // (B, L+1, width)
        foreach (var block in blocks) x = block.call(x);
        return head.call(norm.call(x));                                        // (B, L+1, K)
    }

    /// <summary>
    /// Samples <paramref name="count"/> code grids <c>(count, t, h, w)</c>. With <paramref name="prefix"/>
    /// <c>(count, t0, h, w)</c> the first t0 latent frames are taken as given and only the rest is sampled.
    /// Temperature divides the logits; <paramref name="topK"/> keeps the k likeliest codes at each step.
    /// The same seed gives the same codes (a private torch generator, not the global one).
    /// </summary>
    public Tensor Sample(int count, long seed, double temperature = 1.0, int? topK = null, Tensor? prefix = null)
    {
        if (count < 1) throw new ArgumentException($"CodePrior.Sample: count must be positive; got {count}.");
        if (temperature <= 0) throw new ArgumentException($"CodePrior.Sample: temperature must be positive; got {temperature}.");
        if (topK is < 1) throw new ArgumentException($"CodePrior.Sample: topK must be positive; got {topK}.");
        var device = head.weight!.device;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var generator = new torch.Generator(unchecked((ulong)seed), device);
        var codes = prefix is null ? zeros(count, 0, dtype: ScalarType.Int64, device: device) : PrefixCodes(prefix, count, device);  // (count, L0)
        while (codes.shape[1] < Config.Length)
        {
            var logits = NextLogits(codes)[.., ^1] / temperature;              // (count, K)
            if (topK is int k && k < Config.CodebookSize)
            {
                var kth = logits.topk(k).values[.., ^1..];                     // (count, 1) the k-th largest logit
                logits = logits.masked_fill(logits.lt(kth), float.NegativeInfinity);
            }
            var next = logits.softmax(-1).multinomial(1, generator: generator);  // (count, 1)
            codes = cat([codes, next], 1);                                      // (count, L+1)
        }
        return codes.view(count, Config.GridFrames, Config.GridHeight, Config.GridWidth).MoveToOuterDisposeScope();  // (count, t, h, w)
    }

    Tensor PrefixCodes(Tensor prefix, int count, Device device)
    {
        if (prefix.dim() != 4 || prefix.shape[0] != count || prefix.shape[2] != Config.GridHeight || prefix.shape[3] != Config.GridWidth
            || prefix.shape[1] >= Config.GridFrames || prefix.dtype != ScalarType.Int64)
            throw new ArgumentException(
                $"CodePrior.Sample: expected prefix codes int64 ({count}, t0 < {Config.GridFrames}, {Config.GridHeight}, {Config.GridWidth}); " +
                $"got {prefix.dtype} {VideoShape.Format(prefix.shape)}.");
        return prefix.to(device).flatten(1);                                   // (count, t0*h*w)
    }

    Tensor Flatten(Tensor codes, string who)
    {
        var flat = codes.dim() switch
        {
            2 => codes,
            4 => codes.flatten(1),                                             // (B, t*h*w)
            _ => throw new ArgumentException($"{who}: expected codes (B, L) or (B, t, h, w), got {VideoShape.Format(codes.shape)}."),
        };
        if (flat.dtype != ScalarType.Int64) throw new ArgumentException($"{who}: expected int64 codes, got {flat.dtype}.");
        if (flat.shape[1] < 1 || flat.shape[1] > Config.Length)
            throw new ArgumentException($"{who}: expected 1 to {Config.Length} codes per clip (grid {Config.GridFrames}×{Config.GridHeight}×{Config.GridWidth}); got {flat.shape[1]}.");
        return flat;
    }
}
