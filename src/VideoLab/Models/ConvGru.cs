using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>Settings of <see cref="ConvGru"/>; the defaults mirror ConvLSTM-S so the two compare one for one.</summary>
/// <param name="Channels">Frame channels (Moving MNIST: 1).</param>
/// <param name="Height">Frame height (Moving MNIST: 64).</param>
/// <param name="Width">Frame width (Moving MNIST: 64).</param>
/// <param name="ContextFrames">Context length trained on (the standard protocol: 10).</param>
/// <param name="Horizon">Frames predicted by forward (the standard protocol: 10).</param>
/// <param name="Layers">Stacked ConvGRU cells (as ConvLSTM-S: 4).</param>
/// <param name="HiddenChannels">Channels of h in every layer (as ConvLSTM-S: 128).</param>
/// <param name="KernelSize">Convolution size of the gates (as ConvLSTM-S: 5).</param>
/// <param name="PatchSize">Pixels per side folded into one cell (as ConvLSTM-S: 4).</param>
public sealed record ConvGruConfig(
    int Channels = 1, int Height = 64, int Width = 64, int ContextFrames = 10, int Horizon = 10,
    int Layers = 4, int HiddenChannels = 128, int KernelSize = 5, int PatchSize = 4) : IPredictorConfig
{
    /// <summary>For tests and quick mode: 1 channel, 16×16, 2 layers of 8, kernel 3, patch 2.</summary>
    public static ConvGruConfig Tiny => new(Height: 16, Width: 16, ContextFrames: 4, Horizon: 4,
                                            Layers: 2, HiddenChannels: 8, KernelSize: 3, PatchSize: 2);

    public IPredictorConfig WithData(int channels, int height, int width, int contextFrames, int horizon) =>
        this with { Channels = channels, Height = height, Width = width, ContextFrames = contextFrames, Horizon = horizon };
}

/// <summary>
/// ConvGRU predictor: <see cref="ConvLstm"/>'s stack with <see cref="ConvGruCell"/>s (Ballas et al. 2016)
/// instead of LSTM cells — one state instead of two, three gate groups instead of four, so about 3/4 of
/// the parameters. Patches, the 1×1 readout and the autoregressive rollout are the same as ConvLSTM's.
/// OpenSTL has no ConvGRU; there is no published count to compare with.
/// </summary>
public sealed class ConvGru : PredictorModule, INextFramePredictor
{
    readonly ModuleList<ConvGruCell> cells;
    readonly Conv2d readout;  // top h → one patched frame

    public ConvGruConfig Config { get; }

    public ConvGru(ConvGruConfig config) : base(nameof(ConvGru), config)
    {
        Patches.CheckDivides(config.PatchSize, config.Height, config.Width, nameof(ConvGru));
        if (config.Layers < 1 || config.HiddenChannels < 1 || config.KernelSize % 2 == 0)
            throw new ArgumentException($"{nameof(ConvGru)}: needs ≥ 1 layer, ≥ 1 hidden channel and an odd kernel, got {config}.");
        Config = config;
        int frameChannels = config.Channels * config.PatchSize * config.PatchSize;
        cells = new ModuleList<ConvGruCell>();
        for (int i = 0; i < config.Layers; i++)
            cells.Add(new ConvGruCell($"cell{i}", i == 0 ? frameChannels : config.HiddenChannels,
                                      config.HiddenChannels, config.KernelSize));
        readout = nn.Conv2d(config.HiddenChannels, frameChannels, 1, bias: false);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor Predict(Tensor context, int horizon, TeacherForcing? teacher = null) => Run(context, horizon, teacher, withContextOutputs: false);

    /// <inheritdoc/>
    public Tensor NextFrames(Tensor context, int horizon, TeacherForcing? teacher = null) => Run(context, horizon, teacher, withContextOutputs: true);

    Tensor Run(Tensor context, int horizon, TeacherForcing? teacher, bool withContextOutputs)
    {
        CheckInputs(context, horizon, teacher);
        using var scope = NewDisposeScope();
        int p = Config.PatchSize;
        var frames = Patches.Split(context, p);                                   // (B, Tc, C·p², H/p, W/p)
        var truth = teacher is null ? null : Patches.Split(teacher.Truth, p);     // (B, horizon, C·p², H/p, W/p)
        var states = new Tensor?[cells.Count];

        Tensor Step(Tensor frame)                                                 // (B, C·p², H/p, W/p)
        {
            var input = MemoryFormat.ForRecurrentCells(frame, Config.HiddenChannels);  // channels-last on the CPU from 16 channels: the convolutions stay so
            for (int i = 0; i < cells.Count; i++)
                input = states[i] = cells[i].call(input, states[i]);              // (B, hidden, H/p, W/p)
            return readout.call(input);                                           // (B, C·p², H/p, W/p)
        }

        var predicted = Rollout.Autoregressive(frames, horizon, truth, teacher?.Probability ?? 0, Step, withContextOutputs);  // (B, [Tc − 1 +] horizon, C·p², H/p, W/p)
        return Patches.Merge(predicted, p).MoveToOuterDisposeScope();             // (B, [Tc − 1 +] horizon, C, H, W)
    }
}
