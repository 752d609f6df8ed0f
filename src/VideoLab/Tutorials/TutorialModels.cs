using VideoLab.Models;
using VideoLab.Runtime;

namespace VideoLab.Tutorials;

/// <summary>
/// The model sizes of each tutorial mode: in <see cref="LabMode.Ci"/> the registry's tiny configs, in
/// <see cref="LabMode.Gpu"/> its defaults (the published sizes), and in <see cref="LabMode.Cpu"/> the sizes below,
/// chosen so that each model learns to beat the copy-last-frame and all-black baselines on 32×32 bouncing shapes
/// within the notebook's step budget on two CPU cores (the notebooks state the numbers and the command that measured them).
/// Data-dependent fields (channels, frame size, context, horizon) are set from the clips by whoever builds the model.
/// </summary>
public static class TutorialModels
{
    /// <summary>The config of registered model <paramref name="name"/> for <paramref name="mode"/> (default: <see cref="Lab.Mode"/>).</summary>
    public static object Config(string name, LabMode? mode = null)
    {
        var entry = ModelRegistry.Get(name);
        return (mode ?? Lab.Mode) switch
        {
            LabMode.Ci => entry.TinyConfig,
            LabMode.Gpu => entry.DefaultConfig,
            _ => Cpu.TryGetValue(entry.Name, out var config) ? config : entry.TinyConfig,
        };
    }

    /// <summary>The config of <paramref name="name"/> for this mode as its record type.</summary>
    public static T Config<T>(string name, LabMode? mode = null) => (T)Config(name, mode);

    /// <summary>The cpu-mode sizes: between the tiny test configs and the published ones.</summary>
    public static IReadOnlyDictionary<string, object> Cpu { get; } = new Dictionary<string, object>
    {
        ["conv3d"] = new Conv3dPredictorConfig(BaseChannels: 8, Downsamples: 2, ResidualBlocks: 2),
        ["simvp"] = new SimVpConfig(SpatialChannels: 16, TemporalChannels: 32, SpatialLayers: 4, TemporalLayers: 4, MlpRatio: 2, Heads: 4),
        ["tau"] = new SimVpConfig(Translator: SimVpTranslator.Tau, SpatialChannels: 16, TemporalChannels: 32, SpatialLayers: 4,
                                  TemporalLayers: 4, MlpRatio: 2, Heads: 4),
        ["simvp-attention"] = new SimVpConfig(Translator: SimVpTranslator.Attention, SpatialChannels: 16, TemporalChannels: 32,
                                              SpatialLayers: 4, TemporalLayers: 4, MlpRatio: 2, Heads: 4),
        ["convlstm"] = new ConvLstmConfig(Layers: 2, HiddenChannels: 32, KernelSize: 3, PatchSize: 4),
        ["convgru"] = new ConvGruConfig(Layers: 2, HiddenChannels: 32, KernelSize: 3, PatchSize: 4),
        ["predrnn"] = new PredRnnConfig(Layers: 2, HiddenChannels: 16, KernelSize: 3, PatchSize: 4),
        ["framelstm"] = new FrameRnnConfig(BaseChannels: 16, Downsamples: 2, FeatureSize: 128, HiddenSize: 128),
        ["framegru"] = new FrameRnnConfig(Cell: FrameRnnCell.Gru, BaseChannels: 16, Downsamples: 2, FeatureSize: 128, HiddenSize: 128),
        ["transformer"] = new VideoTransformerConfig(PatchSize: 4, Dim: 32, Depth: 3, Heads: 4, MaxFrames: 10),
        ["mocogan"] = new MoCoGanConfig(ImageSize: 32, Frames: 10, ContentDim: 32, MotionDim: 8, NoiseDim: 8,
                                        GeneratorWidth: 32, DiscriminatorWidth: 32),
        ["vqvae"] = new VqVaeConfig(Hidden: 32, ResBlocks: 1, EmbeddingDim: 16, CodebookSize: 64),
        ["vqvae-prior"] = new CodePriorConfig(CodebookSize: 64, Frames: 10, Height: 32, Width: 32, Layers: 2, Heads: 4, Embedding: 64, Dropout: 0),
    };
}
