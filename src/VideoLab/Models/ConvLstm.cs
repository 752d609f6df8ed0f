using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>Settings of <see cref="ConvLstm"/>. The defaults are OpenSTL's ConvLSTM-S on Moving MNIST (configs/mmnist/ConvLSTM.py).</summary>
/// <param name="Channels">Frame channels (Moving MNIST: 1).</param>
/// <param name="Height">Frame height (Moving MNIST: 64).</param>
/// <param name="Width">Frame width (Moving MNIST: 64).</param>
/// <param name="ContextFrames">Context length trained on (the standard protocol: 10).</param>
/// <param name="Horizon">Frames predicted by forward (the standard protocol: 10).</param>
/// <param name="Layers">Stacked ConvLSTM cells (OpenSTL: 4).</param>
/// <param name="HiddenChannels">Channels of h and c in every layer (OpenSTL: 128).</param>
/// <param name="KernelSize">Convolution size of the gates (OpenSTL: filter_size 5).</param>
/// <param name="PatchSize">Pixels per side folded into one cell (OpenSTL: 4, so 64×64×1 → 16×16×16).</param>
/// <param name="GateBias">A learned bias on the input-gate convolution (VideoLab's default; OpenSTL's conv_x has none).</param>
/// <param name="ForgetBias">Constant added to the forget gate (VideoLab: 1, so a new cell remembers; OpenSTL's ConvLSTM: 0,
/// its <c>_forget_bias</c> is never used). Imported OpenSTL weights set both to OpenSTL's values (src/VideoLab/Interop).</param>
public sealed record ConvLstmConfig(
    int Channels = 1, int Height = 64, int Width = 64, int ContextFrames = 10, int Horizon = 10,
    int Layers = 4, int HiddenChannels = 128, int KernelSize = 5, int PatchSize = 4,
    bool GateBias = true, double ForgetBias = 1.0) : IPredictorConfig
{
    /// <summary>For tests and quick mode: 1 channel, 16×16, 2 layers of 8, kernel 3, patch 2.</summary>
    public static ConvLstmConfig Tiny => new(Height: 16, Width: 16, ContextFrames: 4, Horizon: 4,
                                             Layers: 2, HiddenChannels: 8, KernelSize: 3, PatchSize: 2);

    public IPredictorConfig WithData(int channels, int height, int width, int contextFrames, int horizon) =>
        this with { Channels = channels, Height = height, Width = width, ContextFrames = contextFrames, Horizon = horizon };
}

/// <summary>
/// ConvLSTM predictor (Shi et al. 2015, "Convolutional LSTM Network: A Machine Learning Approach for
/// Precipitation Nowcasting"), in OpenSTL's form: frames are cut into patches, a stack of
/// <see cref="ConvLstmCell"/>s reads one frame per step (layer i's h is layer i+1's input), and a 1×1
/// convolution turns the top h into the next frame. After the context, each prediction is fed back, so
/// any horizon works; in training, <see cref="TeacherForcing"/> feeds true frames instead.
/// Changed from the paper: no encoder–forecaster split (OpenSTL's single stack), no peepholes. Changed from OpenSTL's
/// code: the cells' +1 forget bias and input-gate biases (OpenSTL's cell has neither in effect; see <see cref="ConvLstmCell"/>).
/// <para>
/// Parameters at the default size: 11,677,696; OpenSTL reports 15.0M for ConvLSTM-S (15,083,520 counted with
/// its own module code). The difference (3,407,872) is two convolutions OpenSTL's ConvLSTMCell creates but
/// never uses in forward (conv_o, 2h→h 5×5, and conv_last, 2h→h 1×1: 851,968 per layer × 4); the rest is
/// the same, plus our 4·128 input-gate biases per layer (OpenSTL's convolutions have none; <c>GateBias: false</c> drops them).
/// </para>
/// </summary>
public sealed class ConvLstm : PredictorModule, INextFramePredictor
{
    readonly ModuleList<ConvLstmCell> cells;
    readonly Conv2d readout;  // top h → one patched frame

    public ConvLstmConfig Config { get; }

    public ConvLstm(ConvLstmConfig config) : base(nameof(ConvLstm), config)
    {
        Patches.CheckDivides(config.PatchSize, config.Height, config.Width, nameof(ConvLstm));
        if (config.Layers < 1 || config.HiddenChannels < 1 || config.KernelSize % 2 == 0)
            throw new ArgumentException($"{nameof(ConvLstm)}: needs ≥ 1 layer, ≥ 1 hidden channel and an odd kernel, got {config}.");
        Config = config;
        int frameChannels = config.Channels * config.PatchSize * config.PatchSize;
        cells = new ModuleList<ConvLstmCell>();
        for (int i = 0; i < config.Layers; i++)
            cells.Add(new ConvLstmCell($"cell{i}", i == 0 ? frameChannels : config.HiddenChannels,
                                       config.HiddenChannels, config.KernelSize, config.ForgetBias, config.GateBias));
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

        Tensor Step(Tensor frame)                                                 // (B, C·p², H/p, W/p)
        {
            var input = MemoryFormat.ForRecurrentCells(frame, Config.HiddenChannels);  // channels-last on the CPU from 16 channels: the convolutions stay so
            for (int i = 0; i < cells.Count; i++)
            {
                states[i] = cells[i].call(input, states[i]);                      // h, c: (B, hidden, H/p, W/p)
                input = states[i]!.Value.H;
            }
            return readout.call(input);                                           // (B, C·p², H/p, W/p)
        }

        var predicted = Rollout.Autoregressive(frames, horizon, truth, teacher?.Probability ?? 0, Step, withContextOutputs);  // (B, [Tc − 1 +] horizon, C·p², H/p, W/p)
        return Patches.Merge(predicted, p).MoveToOuterDisposeScope();             // (B, [Tc − 1 +] horizon, C, H, W)
    }
}
