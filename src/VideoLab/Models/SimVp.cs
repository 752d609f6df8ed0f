using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>The translator in the middle of <see cref="SimVp"/>.</summary>
public enum SimVpTranslator
{
    /// <summary>Gated spatiotemporal attention (SimVP v2, Tan et al. 2022), OpenSTL's "gSTA".</summary>
    GSta,
    /// <summary>Temporal attention unit (TAU, Tan et al. 2023): gSTA with squeeze-excite attention.</summary>
    Tau,
    /// <summary>Divided space–time self-attention blocks (TimeSformer-style), the <see cref="VideoTransformer"/>'s block.</summary>
    Attention,
}

/// <summary>Settings of <see cref="SimVp"/>. The defaults are OpenSTL's SimVP-gSTA on Moving MNIST (configs/mmnist/simvp/SimVP_gSTA.py).</summary>
/// <param name="Channels">Frame channels (Moving MNIST: 1).</param>
/// <param name="Height">Frame height (Moving MNIST: 64); a multiple of 2^(SpatialLayers/2).</param>
/// <param name="Width">Frame width (Moving MNIST: 64); a multiple of 2^(SpatialLayers/2).</param>
/// <param name="ContextFrames">T: frames in and out of one pass (OpenSTL: 10 → 10).</param>
/// <param name="Horizon">Frames predicted by forward; longer horizons roll out T at a time.</param>
/// <param name="Translator">gSTA (default), TAU, or divided space–time attention.</param>
/// <param name="SpatialChannels">Encoder/decoder channels, OpenSTL's hid_S (64).</param>
/// <param name="TemporalChannels">Translator channels, OpenSTL's hid_T (512; unused by the attention translator).</param>
/// <param name="SpatialLayers">Encoder and decoder blocks, OpenSTL's N_S (4: every second one halves the size).</param>
/// <param name="TemporalLayers">Translator blocks, OpenSTL's N_T (8).</param>
/// <param name="MlpRatio">MLP width over channels in a translator block (OpenSTL's SimVP: 8).</param>
/// <param name="Heads">Attention heads of the attention translator.</param>
public sealed record SimVpConfig(
    int Channels = 1, int Height = 64, int Width = 64, int ContextFrames = 10, int Horizon = 10,
    SimVpTranslator Translator = SimVpTranslator.GSta, int SpatialChannels = 64, int TemporalChannels = 512,
    int SpatialLayers = 4, int TemporalLayers = 8, double MlpRatio = 8, int Heads = 8) : IPredictorConfig
{
    /// <summary>For tests and quick mode: 16×16, 4 → 4 frames, 8 spatial and 32 temporal channels, 2 + 2 layers.</summary>
    public static SimVpConfig Tiny => new(Height: 16, Width: 16, ContextFrames: 4, Horizon: 4, SpatialChannels: 8,
                                          TemporalChannels: 32, SpatialLayers: 2, TemporalLayers: 2, MlpRatio: 4, Heads: 2);

    public IPredictorConfig WithData(int channels, int height, int width, int contextFrames, int horizon) =>
        this with { Channels = channels, Height = height, Width = width, ContextFrames = contextFrames, Horizon = horizon };
}

/// <summary>
/// SimVP (Gao et al. 2022, "SimVP: Simpler yet Better Video Prediction"; v2 and OpenSTL: Tan et al. 2022/2023):
/// no recurrence. A CNN encoder maps each of the T frames to a small feature map, a translator mixes all
/// T maps at once — stacked along channels (T·hid_S) for gSTA/TAU, as tokens for attention — and a CNN
/// decoder (with a skip from the first encoder block) turns them into the next T frames.
/// <para>
/// Changed: any context length and horizon. A context longer than T uses its last T frames; a shorter one
/// is padded in front with copies of its first frame; horizons beyond T roll out T frames per pass, each
/// pass reading the previous one's output. Teacher forcing does not apply (all frames come from one pass).
/// Kept: OpenSTL's blocks, sizes and layer scales. Parameters at the default size: 46.77M (gSTA) and 44.66M (TAU)
/// against OpenSTL's 46.8M and 44.7M.
/// </para>
/// <para>
/// Not kept, two differences from OpenSTL's code (openstl/models/simvp_model.py, modules/simvp_modules.py) that change
/// training, not the architecture: (1) no stochastic depth. OpenSTL's translator gives block i a DropPath rate
/// <c>linspace(1e-2, drop_path, N_T)[i]</c> (the last block <c>drop_path</c>), so even at its Moving MNIST setting
/// drop_path = 0 the first blocks drop their residual branches with probability 0.01 falling to 0; here every rate is 0.
/// (2) TorchSharp's default initialisation (Kaiming-uniform, PyTorch's layer default). OpenSTL initialises the
/// encoder/decoder convolutions with a truncated normal (std 0.02, bias 0) and the translator blocks' convolutions with
/// N(0, 2 / fan_out), fan_out = k²·C_out / groups (bias 0), linear layers with a truncated normal (std 0.02).
/// </para>
/// </summary>
public sealed class SimVp : PredictorModule
{
    readonly ModuleList<ConvNormAct> encoder;
    readonly ModuleList<nn.Module<Tensor, Tensor>> translator;
    readonly ModuleList<ConvNormAct> decoder;
    readonly Conv2d readout;  // hid_S → C, 1×1
    // The attention translator's learned positions (TimeSformer's space and time embeddings); null for gSTA/TAU, whose
    // convolutions over the T·hid_S stack know where and when a feature is. Attention alone does not: without them
    // its output is the same for any order of the frames and any arrangement of the cells, so it cannot tell which way
    // a shape moves.
    readonly Parameter? spacePosition;  // (h·w, hid_S)
    readonly Parameter? timePosition;   // (T, 1, hid_S)

    public SimVpConfig Config { get; }

    /// <summary>The attention translator's blocks (empty for gSTA/TAU): set KeepWeights on their attentions to plot them.</summary>
    public IReadOnlyList<DividedSpaceTimeBlock> AttentionBlocks => translator.OfType<DividedSpaceTimeBlock>().ToList();

    public SimVp(SimVpConfig config) : base(nameof(SimVp), config)
    {
        int scale = 1 << (config.SpatialLayers / 2);
        if (config.SpatialLayers < 1 || config.TemporalLayers < 2 || config.Height % scale != 0 || config.Width % scale != 0)
            throw new ArgumentException($"{nameof(SimVp)}: needs ≥ 1 spatial and ≥ 2 temporal layers and a frame size divisible by " +
                                        $"2^(SpatialLayers/2) = {scale}, got {config}.");
        Config = config;
        int hs = config.SpatialChannels, ht = config.TemporalChannels, t = config.ContextFrames;
        encoder = new ModuleList<ConvNormAct>();
        decoder = new ModuleList<ConvNormAct>();
        for (int i = 0; i < config.SpatialLayers; i++)
        {
            bool resample = i % 2 == 1;  // OpenSTL's sampling_generator: [no, yes, no, yes, …]; the decoder mirrors it
            encoder.Add(new ConvNormAct($"enc{i}", i == 0 ? config.Channels : hs, hs, 3, resample ? Resample.Down : Resample.None));
            decoder.Insert(0, new ConvNormAct($"dec{config.SpatialLayers - 1 - i}", hs, hs, 3, resample ? Resample.Up : Resample.None));
        }
        readout = nn.Conv2d(hs, config.Channels, 1);

        translator = new ModuleList<nn.Module<Tensor, Tensor>>();
        if (config.Translator == SimVpTranslator.Attention)
        {
            for (int i = 0; i < config.TemporalLayers; i++)
                translator.Add(new DividedSpaceTimeBlock($"block{i}", hs, config.Heads, config.MlpRatio));
            spacePosition = nn.Parameter(randn((config.Height / scale) * (config.Width / scale), hs) * 0.02);
            timePosition = nn.Parameter(randn(t, 1, hs) * 0.02);
        }
        else
        {
            bool tau = config.Translator == SimVpTranslator.Tau;
            int[] widths = [t * hs, .. Enumerable.Repeat(ht, config.TemporalLayers - 1), t * hs];  // OpenSTL's MidMetaNet
            for (int i = 0; i < config.TemporalLayers; i++)
            {
                translator.Add(new GatedSpatiotemporalBlock($"block{i}", widths[i], config.MlpRatio, tau));
                if (widths[i] != widths[i + 1]) translator.Add(nn.Conv2d(widths[i], widths[i + 1], 1));  // OpenSTL's reduction
            }
        }
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor Predict(Tensor context, int horizon, TeacherForcing? teacher = null)
    {
        CheckInputs(context, horizon, teacher);
        using var scope = NewDisposeScope();
        return Rollout.InWindows(context, horizon, Config.ContextFrames, OnePass).MoveToOuterDisposeScope();  // (B, horizon, C, H, W)
    }

    /// <summary>T frames → the next T frames.</summary>
    Tensor OnePass(Tensor frames)                                        // (B, T, C, H, W)
    {
        long b = frames.shape[0];
        // The encoder and decoder run channels-last on the CPU, where oneDNN convolves NHWC directly instead of reordering
        // every activation before and after each call; the translator's reshape below hands its stack over in NCHW
        // (bench/README.md, "What was tried": "channels-last MLP in SimVP's translator, and a channels-last encoder").
        var x = MemoryFormat.ChannelsLastOnCpu(VideoShape.FoldTime(frames)); // (B·T, C, H, W)
        var skip = encoder[0].call(x);                                   // (B·T, hid_S, H, W)
        var z = skip;
        for (int i = 1; i < encoder.Count; i++) z = encoder[i].call(z);  // (B·T, hid_S, h, w)
        long hs = z.shape[1], h = z.shape[2], w = z.shape[3];

        if (Config.Translator == SimVpTranslator.Attention)
        {
            var tokens = VideoShape.UnfoldTime(z, b).flatten(3).transpose(2, 3)   // (B, T, h·w, hid_S)
                         + spacePosition! + timePosition!;
            foreach (var block in translator) tokens = block.call(tokens);
            z = tokens.transpose(2, 3).reshape(b * Config.ContextFrames, hs, h, w); // (B·T, hid_S, h, w)
        }
        else
        {
            var stacked = z.reshape(b, -1, h, w);                        // (B, T·hid_S, h, w)
            foreach (var block in translator) stacked = block.call(stacked);
            z = stacked.reshape(b * Config.ContextFrames, hs, h, w);     // (B·T, hid_S, h, w)
        }

        z = MemoryFormat.ChannelsLastOnCpu(z);
        for (int i = 0; i < decoder.Count - 1; i++) z = decoder[i].call(z);
        var y = readout.call(decoder[decoder.Count - 1].call(z + skip)); // (B·T, C, H, W)
        return VideoShape.UnfoldTime(y, b);                              // (B, T, C, H, W)
    }
}
