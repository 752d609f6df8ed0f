using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>Settings of <see cref="PredRnn"/>. The defaults are OpenSTL's PredRNN on Moving MNIST (configs/mmnist/PredRNN.py).</summary>
/// <param name="Channels">Frame channels (Moving MNIST: 1).</param>
/// <param name="Height">Frame height (Moving MNIST: 64).</param>
/// <param name="Width">Frame width (Moving MNIST: 64).</param>
/// <param name="ContextFrames">Context length trained on (the standard protocol: 10).</param>
/// <param name="Horizon">Frames predicted by forward (the standard protocol: 10).</param>
/// <param name="Layers">Stacked ST-LSTM cells (OpenSTL: 4).</param>
/// <param name="HiddenChannels">Channels of h, c and m in every layer (OpenSTL: 128; m needs the same in every layer).</param>
/// <param name="KernelSize">Convolution size of the gates (OpenSTL: filter_size 5).</param>
/// <param name="PatchSize">Pixels per side folded into one cell (OpenSTL: 4).</param>
/// <param name="GateBias">A learned bias on the input-gate convolution (VideoLab's default; OpenSTL's conv_x has none, and
/// imported OpenSTL weights set it to false).</param>
public sealed record PredRnnConfig(
    int Channels = 1, int Height = 64, int Width = 64, int ContextFrames = 10, int Horizon = 10,
    int Layers = 4, int HiddenChannels = 128, int KernelSize = 5, int PatchSize = 4, bool GateBias = true) : IPredictorConfig
{
    /// <summary>For tests and quick mode: 1 channel, 16×16, 2 layers of 8, kernel 3, patch 2.</summary>
    public static PredRnnConfig Tiny => new(Height: 16, Width: 16, ContextFrames: 4, Horizon: 4,
                                            Layers: 2, HiddenChannels: 8, KernelSize: 3, PatchSize: 2);

    public IPredictorConfig WithData(int channels, int height, int width, int contextFrames, int horizon) =>
        this with { Channels = channels, Height = height, Width = width, ContextFrames = contextFrames, Horizon = horizon };
}

/// <summary>
/// PredRNN (Wang et al. 2017, NeurIPS): a stack of <see cref="SpatioTemporalLstmCell"/>s. Each layer keeps
/// its own temporal memory c through time, and one spatiotemporal memory m zig-zags: up through the layers
/// within a step, then from the top layer back to the bottom one at the next step, so low-level detail
/// reaches the prediction. Patches, readout and rollout as in OpenSTL's PredRNN and <see cref="ConvLstm"/>.
/// Not included: PredRNN-V2's decoupling loss and reverse scheduled sampling (Wang et al. 2022).
/// Parameters at the default size: 23.84M, OpenSTL reports 23.8M (the same layers, plus our 7·128 input biases per layer,
/// which <c>GateBias: false</c> drops).
/// </summary>
public sealed class PredRnn : PredictorModule, INextFramePredictor
{
    readonly ModuleList<SpatioTemporalLstmCell> cells;
    readonly Conv2d readout;  // top h → one patched frame

    public PredRnnConfig Config { get; }

    public PredRnn(PredRnnConfig config) : base(nameof(PredRnn), config)
    {
        Patches.CheckDivides(config.PatchSize, config.Height, config.Width, nameof(PredRnn));
        if (config.Layers < 1 || config.HiddenChannels < 1 || config.KernelSize % 2 == 0)
            throw new ArgumentException($"{nameof(PredRnn)}: needs ≥ 1 layer, ≥ 1 hidden channel and an odd kernel, got {config}.");
        Config = config;
        int frameChannels = config.Channels * config.PatchSize * config.PatchSize;
        cells = new ModuleList<SpatioTemporalLstmCell>();
        for (int i = 0; i < config.Layers; i++)
            cells.Add(new SpatioTemporalLstmCell($"cell{i}", i == 0 ? frameChannels : config.HiddenChannels,
                                                 config.HiddenChannels, config.KernelSize, config.GateBias));
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
        var states = new (Tensor H, Tensor C)?[cells.Count];
        Tensor? memory = null;                                                    // m: (B, hidden, H/p, W/p), zig-zags

        Tensor Step(Tensor frame)                                                 // (B, C·p², H/p, W/p)
        {
            var input = MemoryFormat.ForRecurrentCells(frame, Config.HiddenChannels);  // channels-last on the CPU from 16 channels: the convolutions stay so
            for (int i = 0; i < cells.Count; i++)
            {
                var (h, c, m) = cells[i].call(input, states[i], memory);          // each (B, hidden, H/p, W/p)
                states[i] = (h, c);
                memory = m;                                                       // up to layer i+1, or to layer 0 next step
                input = h;
            }
            return readout.call(input);                                           // (B, C·p², H/p, W/p)
        }

        var predicted = Rollout.Autoregressive(frames, horizon, truth, teacher?.Probability ?? 0, Step, withContextOutputs);  // (B, [Tc − 1 +] horizon, C·p², H/p, W/p)
        return Patches.Merge(predicted, p).MoveToOuterDisposeScope();             // (B, [Tc − 1 +] horizon, C, H, W)
    }
}
