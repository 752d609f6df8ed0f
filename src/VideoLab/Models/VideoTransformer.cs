using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>Settings of <see cref="VideoTransformer"/>. OpenSTL has no such model; the default is a ViT-small-like size for 64×64.</summary>
/// <param name="Channels">Frame channels (Moving MNIST: 1).</param>
/// <param name="Height">Frame height (Moving MNIST: 64); a multiple of PatchSize.</param>
/// <param name="Width">Frame width (Moving MNIST: 64); a multiple of PatchSize.</param>
/// <param name="ContextFrames">Context length trained on (the standard protocol: 10).</param>
/// <param name="Horizon">Frames predicted by forward (the standard protocol: 10).</param>
/// <param name="PatchSize">Pixels per side of a token (8: 64×64 → 8×8 = 64 tokens per frame).</param>
/// <param name="Dim">Token width.</param>
/// <param name="Depth">Divided space–time blocks.</param>
/// <param name="Heads">Attention heads (Dim must be a multiple).</param>
/// <param name="MlpRatio">MLP width over Dim in each block.</param>
/// <param name="MaxFrames">Frames the model attends over at once (time embeddings); longer rollouts slide this window.</param>
public sealed record VideoTransformerConfig(
    int Channels = 1, int Height = 64, int Width = 64, int ContextFrames = 10, int Horizon = 10,
    int PatchSize = 8, int Dim = 256, int Depth = 6, int Heads = 8, double MlpRatio = 4, int MaxFrames = 20) : IPredictorConfig
{
    /// <summary>For tests and quick mode: 16×16 in 4×4 patches, width 32, 2 blocks of 4 heads, an 8-frame window.</summary>
    public static VideoTransformerConfig Tiny => new(Height: 16, Width: 16, ContextFrames: 4, Horizon: 4,
                                                     PatchSize: 4, Dim: 32, Depth: 2, Heads: 4, MaxFrames: 8);

    public IPredictorConfig WithData(int channels, int height, int width, int contextFrames, int horizon) =>
        this with { Channels = channels, Height = height, Width = width, ContextFrames = contextFrames, Horizon = horizon };
}

/// <summary>
/// A video transformer predictor over patch tokens with divided space–time attention (Bertasius et al. 2021,
/// TimeSformer; tokens as in ViT, Dosovitskiy et al. 2021). Each frame is cut into p×p patches, embedded,
/// given a learned space and time position, and passed through <see cref="DividedSpaceTimeBlock"/>s whose
/// time attention is causal, so the output at frame t sees frames ≤ t only and predicts frame t + 1 — the
/// GPT recipe on frames. Changed from TimeSformer (a classifier): no class token; a linear head maps each
/// token back to its patch and the model predicts the change from the current frame (residual), so it
/// starts as the copy-last-frame baseline. Rollout: feed predictions back one frame at a time, any horizon,
/// over a sliding window of <see cref="VideoTransformerConfig.MaxFrames"/>; each step runs only the new frame
/// against the earlier frames' cached time-attention keys and values. With full teacher forcing
/// (probability 1) the whole sequence trains in one parallel pass.
/// Attention weights for plots: set <see cref="KeepAttention"/>, predict, then read
/// <c>Blocks[i].TimeAttention.LastWeights</c> and <c>Blocks[i].SpaceAttention.LastWeights</c>.
/// </summary>
public sealed class VideoTransformer : PredictorModule, INextFramePredictor
{
    readonly Linear embed;               // C·p² → D
    readonly Parameter spacePosition;    // (N, D)
    readonly Parameter timePosition;     // (MaxFrames, 1, D)
    readonly ModuleList<DividedSpaceTimeBlock> blocks;
    readonly LayerNorm norm;
    readonly Linear head;                // D → C·p²

    public VideoTransformerConfig Config { get; }

    /// <summary>The attention blocks, bottom first.</summary>
    public IReadOnlyList<DividedSpaceTimeBlock> Blocks => [.. blocks];

    /// <summary>Keep every block's attention weights of the last frame step (off by default).</summary>
    public bool KeepAttention
    {
        get => blocks.Count > 0 && blocks[0].TimeAttention.KeepWeights;
        set { foreach (var b in blocks) b.TimeAttention.KeepWeights = b.SpaceAttention.KeepWeights = value; }
    }

    public VideoTransformer(VideoTransformerConfig config) : base(nameof(VideoTransformer), config)
    {
        Patches.CheckDivides(config.PatchSize, config.Height, config.Width, nameof(VideoTransformer));
        if (config.Dim % config.Heads != 0 || config.Depth < 1 || config.MaxFrames < 2)
            throw new ArgumentException($"{nameof(VideoTransformer)}: needs Dim divisible by Heads, Depth ≥ 1 and MaxFrames ≥ 2, got {config}.");
        Config = config;
        int patchValues = config.Channels * config.PatchSize * config.PatchSize;
        long tokens = (long)(config.Height / config.PatchSize) * (config.Width / config.PatchSize);
        embed = nn.Linear(patchValues, config.Dim);
        spacePosition = nn.Parameter(randn(tokens, config.Dim) * 0.02);
        timePosition = nn.Parameter(randn(config.MaxFrames, 1, config.Dim) * 0.02);
        blocks = new ModuleList<DividedSpaceTimeBlock>();
        for (int i = 0; i < config.Depth; i++)
            blocks.Add(new DividedSpaceTimeBlock($"block{i}", config.Dim, config.Heads, config.MlpRatio, causal: true));
        norm = nn.LayerNorm(config.Dim);
        head = nn.Linear(config.Dim, patchValues);
        using (no_grad())
        {
            head.weight!.mul_(0.01);  // a near-zero change at first: the model starts next to the copy-last-frame baseline
            head.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor Predict(Tensor context, int horizon, TeacherForcing? teacher = null) => Run(context, horizon, teacher, withContextOutputs: false);

    /// <inheritdoc/>
    /// <remarks>The outputs for the context frames are those of the frames in the first window: Tc − 1 of them when
    /// Tc ≤ <see cref="VideoTransformerConfig.MaxFrames"/>, else MaxFrames − 1.</remarks>
    public Tensor NextFrames(Tensor context, int horizon, TeacherForcing? teacher = null) => Run(context, horizon, teacher, withContextOutputs: true);

    Tensor Run(Tensor context, int horizon, TeacherForcing? teacher, bool withContextOutputs)
    {
        CheckInputs(context, horizon, teacher);
        using var scope = NewDisposeScope();
        long tc = context.shape[1];
        if (teacher is { Probability: >= 1 } && tc + horizon - 1 <= Config.MaxFrames)
        {
            var sequence = cat([context, teacher.Truth.narrow(1, 0, horizon - 1)], 1);     // (B, Tc + horizon − 1, C, H, W)
            var all = WindowOutputs(sequence, 0, null);                                         // (B, Tc + horizon − 1, C, H, W)
            return (withContextOutputs ? all : all.narrow(1, tc - 1, horizon)).MoveToOuterDisposeScope();  // (B, [Tc − 1 +] horizon, C, H, W)
        }

        // Time attention is causal, so a frame's tokens never change once computed: each step runs only the new
        // frame and attends over the earlier frames' cached keys and values. Two cases recompute the whole window:
        // when it slides past MaxFrames (every frame's time position shifts), and with KeepAttention (the plots
        // want every step's full T×T time map).
        var frames = context.narrow(1, Math.Max(0, tc - Config.MaxFrames), Math.Min(tc, Config.MaxFrames));  // (B, ≤ MaxFrames, C, H, W)
        AttentionCache[]? caches = KeepAttention ? null : NewCaches();
        var first = WindowOutputs(frames, 0, caches);                                          // (B, L, C, H, W)
        var next = first.select(1, -1);                                                     // (B, C, H, W)
        var predictions = new List<Tensor>(horizon) { next };
        for (int k = 1; k < horizon; k++)
        {
            var fed = teacher is null ? next : Rollout.Mix(next, teacher.Truth.select(1, k - 1), teacher.Probability);
            frames = cat([frames, fed.unsqueeze(1)], 1);                                    // (B, L + 1, C, H, W)
            if (frames.shape[1] > Config.MaxFrames)
            {
                frames = frames.narrow(1, 1, Config.MaxFrames);
                caches = KeepAttention ? null : NewCaches();
                next = WindowOutputs(frames, 0, caches).select(1, -1);
            }
            else if (caches is null) next = WindowOutputs(frames, 0, null).select(1, -1);
            else next = WindowOutputs(fed.unsqueeze(1), frames.shape[1] - 1, caches).select(1, -1);
            predictions.Add(next);
        }
        var predicted = stack(predictions, 1);                                              // (B, horizon, C, H, W)
        return (withContextOutputs ? cat([first.narrow(1, 0, first.shape[1] - 1), predicted], 1) : predicted)
            .MoveToOuterDisposeScope();                                                     // (B, [L − 1 +] horizon, C, H, W)
    }

    AttentionCache[] NewCaches() => [.. blocks.Select(_ => new AttentionCache())];

    /// <summary>
    /// Frames at window positions start..start+L−1 → predictions of the frames after each (each output sees only
    /// its frame and earlier ones). With caches, the earlier frames' keys and values are read from them and these
    /// frames' are added.
    /// </summary>
    Tensor WindowOutputs(Tensor frames, long start, AttentionCache[]? caches)                 // (B, L, C, H, W)
    {
        int p = Config.PatchSize;
        long b = frames.shape[0], l = frames.shape[1];
        var cells = Patches.Split(frames, p);                                               // (B, L, C·p², h, w)
        long h = cells.shape[3], w = cells.shape[4];
        var tokens = embed.call(cells.flatten(3).transpose(2, 3))                          // (B, L, N, D)
                     + spacePosition + timePosition.narrow(0, start, l);
        for (int i = 0; i < blocks.Count; i++)
            tokens = caches is null ? blocks[i].call(tokens) : blocks[i].Append(tokens, caches[i]);  // (B, L, N, D)
        var change = head.call(norm.call(tokens)).transpose(2, 3).reshape(b, l, -1, h, w); // (B, L, C·p², h, w)
        return frames + Patches.Merge(change, p);                                           // (B, L, C, H, W)
    }
}
