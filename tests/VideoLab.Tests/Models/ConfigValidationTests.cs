using VideoLab.Models;

namespace VideoLab.Tests.Models;

/// <summary>A config that cannot work fails at construction with a message that says why.</summary>
public class ConfigValidationTests
{
    public static TheoryData<Func<object>, string> Invalid => new()
    {
        { () => new ConvLstm(ConvLstmConfig.Tiny with { PatchSize = 3 }), "patch size 3" },
        { () => new ConvGru(ConvGruConfig.Tiny with { KernelSize = 4 }), "odd kernel" },
        { () => new PredRnn(PredRnnConfig.Tiny with { Height = 15 }), "15×16" },
        { () => new FrameRnn(FrameRnnConfig.Tiny with { Downsamples = 5 }), "multiple of 32" },
        { () => new SimVp(SimVpConfig.Tiny with { Width = 17 }), "divisible by" },
        { () => new Conv3dPredictor(Conv3dPredictorConfig.Tiny with { Height = 18 }), "multiple of" },
        { () => new VideoTransformer(VideoTransformerConfig.Tiny with { Heads = 5 }), "divisible by Heads" },
        { () => new ConvLstm(ConvLstmConfig.Tiny with { Channels = 0 }), "must be positive" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_impossible_config_is_refused_with_the_reason(Func<object> build, string reason)
    {
        var e = Assert.ThrowsAny<ArgumentException>(build);
        Assert.Contains(reason, e.Message);
    }
}
