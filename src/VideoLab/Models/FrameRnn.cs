using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>The recurrent core of <see cref="FrameRnn"/>.</summary>
public enum FrameRnnCell { Lstm, Gru }

/// <summary>Settings of <see cref="FrameRnn"/>.</summary>
/// <param name="Channels">Frame channels (Moving MNIST: 1).</param>
/// <param name="Height">Frame height (Moving MNIST: 64); a multiple of 2^Downsamples.</param>
/// <param name="Width">Frame width (Moving MNIST: 64); a multiple of 2^Downsamples.</param>
/// <param name="ContextFrames">Context length trained on (the standard protocol: 10).</param>
/// <param name="Horizon">Frames predicted by forward (the standard protocol: 10).</param>
/// <param name="Cell">LSTM (Hochreiter &amp; Schmidhuber 1997) or GRU (Cho et al. 2014).</param>
/// <param name="BaseChannels">Channels of the first encoder block; each further block doubles them (32 → 64 → 128).</param>
/// <param name="Downsamples">Stride-2 encoder blocks (3: 64×64 → 8×8).</param>
/// <param name="FeatureSize">Length of the vector a frame is encoded to.</param>
/// <param name="HiddenSize">Size of the recurrent state.</param>
/// <param name="Layers">Stacked recurrent layers.</param>
public sealed record FrameRnnConfig(
    int Channels = 1, int Height = 64, int Width = 64, int ContextFrames = 10, int Horizon = 10,
    FrameRnnCell Cell = FrameRnnCell.Lstm, int BaseChannels = 32, int Downsamples = 3,
    int FeatureSize = 512, int HiddenSize = 512, int Layers = 1) : IPredictorConfig
{
    /// <summary>For tests and quick mode: 16×16, 2 downsamples of 8 → 16 channels, 32-long features and state.</summary>
    public static FrameRnnConfig Tiny => new(Height: 16, Width: 16, ContextFrames: 4, Horizon: 4,
                                             BaseChannels: 8, Downsamples: 2, FeatureSize: 32, HiddenSize: 32);

    public IPredictorConfig WithData(int channels, int height, int width, int contextFrames, int horizon) =>
        this with { Channels = channels, Height = height, Width = width, ContextFrames = contextFrames, Horizon = horizon };
}

/// <summary>
/// The "RNN for video" of the classic tutorials (e.g. Srivastava et al. 2015's encoder–predictor idea with
/// a CNN in front): a CNN encodes each frame to a vector, an LSTM or GRU runs over the vectors, and a CNN
/// decoder turns each output state back into the next frame. The recurrence sees no spatial layout — the
/// contrast with <see cref="ConvLstm"/>, whose state is a feature map. Any horizon by feeding predictions back.
/// </summary>
public sealed class FrameRnn : PredictorModule, INextFramePredictor
{
    readonly Sequential encoder;   // frame → (B, top, h, w) feature map
    readonly Linear toFeature;     // flattened map → feature vector
    readonly nn.Module rnn;        // LSTM or GRU over feature vectors
    readonly Linear fromHidden;    // state → flattened map
    readonly Sequential decoder;   // (B, top, h, w) → frame
    readonly long[] mapShape;      // (top, h, w) at the bottleneck

    public FrameRnnConfig Config { get; }

    public FrameRnn(FrameRnnConfig config) : base(nameof(FrameRnn), config)
    {
        int scale = 1 << config.Downsamples;
        if (config.Downsamples < 1 || config.Height % scale != 0 || config.Width % scale != 0)
            throw new ArgumentException($"{nameof(FrameRnn)}: {config.Downsamples} downsamples need the frame size " +
                                        $"{config.Height}×{config.Width} to be a multiple of {scale}.");
        Config = config;
        int top = config.BaseChannels << (config.Downsamples - 1);
        mapShape = [top, config.Height / scale, config.Width / scale];

        encoder = nn.Sequential();
        decoder = nn.Sequential();
        for (int i = 0; i < config.Downsamples; i++)
        {
            int cIn = i == 0 ? config.Channels : config.BaseChannels << (i - 1), cOut = config.BaseChannels << i;
            encoder.append($"down{i}", new ConvNormAct($"down{i}", cIn, cOut, 3, Resample.Down, Activation.LeakyReLU));
        }
        for (int i = config.Downsamples - 1; i >= 0; i--)
        {
            int cIn = config.BaseChannels << i, cOut = config.BaseChannels << Math.Max(i - 1, 0);
            decoder.append($"up{i}", new ConvNormAct($"up{i}", cIn, cOut, 3, Resample.Up, Activation.LeakyReLU));
        }
        decoder.append("readout", nn.Conv2d(config.BaseChannels, config.Channels, 1));

        long flat = mapShape[0] * mapShape[1] * mapShape[2];
        toFeature = nn.Linear(flat, config.FeatureSize);
        rnn = config.Cell == FrameRnnCell.Lstm
            ? nn.LSTM(config.FeatureSize, config.HiddenSize, config.Layers, batchFirst: true)
            : nn.GRU(config.FeatureSize, config.HiddenSize, config.Layers, batchFirst: true);
        fromHidden = nn.Linear(config.HiddenSize, flat);
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
        long batch = context.shape[0];
        (Tensor, Tensor)? lstmState = null;
        Tensor? gruState = null;

        Tensor Step(Tensor frame)                                                     // (B, C, H, W)
        {
            var feature = toFeature.call(encoder.call(frame).flatten(1)).unsqueeze(1);  // (B, 1, feature)
            Tensor output;
            if (rnn is LSTM lstm)
            {
                var (o, h, c) = lstm.call(feature, lstmState);                         // o: (B, 1, hidden); h, c: (layers, B, hidden)
                (output, lstmState) = (o, (h, c));
            }
            else
            {
                var (o, h) = ((GRU)rnn).call(feature, gruState);
                (output, gruState) = (o, h);
            }
            var map = fromHidden.call(output.squeeze(1)).reshape([batch, .. mapShape]);  // (B, top, h, w)
            return decoder.call(map);                                                 // (B, C, H, W)
        }

        var predicted = Rollout.Autoregressive(context, horizon, teacher?.Truth, teacher?.Probability ?? 0, Step, withContextOutputs);  // (B, [Tc − 1 +] horizon, C, H, W)
        return predicted.MoveToOuterDisposeScope();
    }
}
