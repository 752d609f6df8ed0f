using VideoLab.Data;
using VideoLab.Models;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tests.Training;

public class ModelSetupTests
{
    [Fact]
    public void A_registered_config_is_fitted_to_the_data_and_overridden_by_name()
    {
        var entry = ModelRegistry.Get("convlstm");
        var sized = (ConvLstmConfig)ModelSetup.Override(entry, entry.TinyConfig, new Dictionary<string, string> { ["HIDDENCHANNELS"] = "12" });
        Assert.Equal(12, sized.HiddenChannels);
        var fitted = (ConvLstmConfig)ModelSetup.FitToData(entry, sized, new ClipShape(10, 3, 32, 24), 4, 6);
        Assert.Equal((3, 32, 24, 4, 6, 12), (fitted.Channels, fitted.Height, fitted.Width, fitted.ContextFrames, fitted.Horizon, fitted.HiddenChannels));

        var e = Assert.Throws<ArgumentException>(() => ModelSetup.Override(entry, entry.TinyConfig, new Dictionary<string, string> { ["widthh"] = "3" }));
        Assert.Contains("hiddenChannels", e.Message);  // lists the fields there are
        Assert.Throws<ArgumentException>(() => ModelSetup.Override(entry, entry.TinyConfig, new Dictionary<string, string> { ["layers"] = "many" }));
    }

    [Fact]
    public void A_predictor_is_built_on_the_device_and_trains_with_the_prediction_method()
    {
        var (spec, model) = ModelSetup.Build("convlstm", ModelSize.Tiny, new ClipShape(6, 3, 16, 16), 3, 3, CPU);
        Assert.Equal("convlstm", spec.Name);
        Assert.Contains("\"channels\": 3", spec.ConfigJson);
        Assert.IsType<PredictionMethod>(ModelSetup.Method(ModelRegistry.Get("convlstm"), model, new MethodSettings()));
    }
}
