namespace VideoLab.Models;

/// <summary>
/// The predictors of the registry. Each default is the OpenSTL Moving MNIST size (1 channel, 64×64, 10 → 10);
/// every config implements <see cref="IPredictorConfig"/>, so a trainer fits it to a dataset with
/// <see cref="FitToData"/> (or <c>((IPredictorConfig)config).WithData(...)</c>) before building.
/// </summary>
public static partial class ModelRegistry
{
    static partial void AddPredictors(List<ModelEntry> into)
    {
        into.Add(ModelEntry.Create("convlstm", ModelFamily.Rnn,
            "ConvLSTM (Shi et al. 2015), OpenSTL's ConvLSTM-S",
            new ConvLstmConfig(), ConvLstmConfig.Tiny, c => new ConvLstm(c)));
        into.Add(ModelEntry.Create("convgru", ModelFamily.Rnn,
            "ConvGRU (Ballas et al. 2016), ConvLSTM-S's stack with GRU cells",
            new ConvGruConfig(), ConvGruConfig.Tiny, c => new ConvGru(c)));
        into.Add(ModelEntry.Create("predrnn", ModelFamily.Rnn,
            "PredRNN (Wang et al. 2017), spatiotemporal LSTM, OpenSTL's size",
            new PredRnnConfig(), PredRnnConfig.Tiny, c => new PredRnn(c)));
        into.Add(ModelEntry.Create("framelstm", ModelFamily.Rnn,
            "CNN encoder → LSTM over frame vectors → CNN decoder",
            new FrameRnnConfig(), FrameRnnConfig.Tiny, c => new FrameRnn(c)));
        into.Add(ModelEntry.Create("framegru", ModelFamily.Rnn,
            "CNN encoder → GRU over frame vectors → CNN decoder",
            new FrameRnnConfig(Cell: FrameRnnCell.Gru), FrameRnnConfig.Tiny with { Cell = FrameRnnCell.Gru }, c => new FrameRnn(c)));
        into.Add(ModelEntry.Create("simvp", ModelFamily.Cnn,
            "SimVP with the gSTA translator (Gao et al. 2022; Tan et al.), OpenSTL's SimVP-gSTA",
            new SimVpConfig(), SimVpConfig.Tiny, c => new SimVp(c)));
        into.Add(ModelEntry.Create("tau", ModelFamily.Cnn,
            "SimVP with the TAU translator (Tan et al. 2023), OpenSTL's TAU",
            new SimVpConfig(Translator: SimVpTranslator.Tau), SimVpConfig.Tiny with { Translator = SimVpTranslator.Tau }, c => new SimVp(c)));
        into.Add(ModelEntry.Create("simvp-attention", ModelFamily.Attention,
            "SimVP with divided space–time attention as translator",
            new SimVpConfig(Translator: SimVpTranslator.Attention), SimVpConfig.Tiny with { Translator = SimVpTranslator.Attention },
            c => new SimVp(c)));
        into.Add(ModelEntry.Create("conv3d", ModelFamily.Cnn,
            "3D-convolution encoder–decoder: the context volume to the future volume",
            new Conv3dPredictorConfig(), Conv3dPredictorConfig.Tiny, c => new Conv3dPredictor(c)));
        into.Add(ModelEntry.Create("transformer", ModelFamily.Attention,
            "Video transformer: patch tokens, divided space–time attention (TimeSformer-style), causal in time",
            new VideoTransformerConfig(), VideoTransformerConfig.Tiny, c => new VideoTransformer(c)));
    }

    /// <summary>Parameter counts OpenSTL publishes for its Moving MNIST configs, by registry name (README of OpenSTL, model zoo).</summary>
    public static IReadOnlyDictionary<string, string> OpenStlParameters { get; } = new Dictionary<string, string>
    {
        ["convlstm"] = "15.0M",
        ["predrnn"] = "23.8M",
        ["simvp"] = "46.8M",
        ["tau"] = "44.7M",
    };

    /// <summary>
    /// <paramref name="config"/> refitted to clips of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>
    /// with the given context and horizon; configs of models that are not predictors are returned unchanged.
    /// </summary>
    public static object FitToData(object config, int channels, int height, int width, int contextFrames, int horizon) =>
        config is IPredictorConfig p ? p.WithData(channels, height, width, contextFrames, horizon) : config;
}
