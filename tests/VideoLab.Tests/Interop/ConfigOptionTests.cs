using System.Text.Json;
using System.Text.Json.Nodes;
using VideoLab.Models;

namespace VideoLab.Tests.Interop;

/// <summary>The config options OpenSTL's cells needed (gate bias, forget bias) keep the old behaviour for checkpoints written before them.</summary>
public class ConfigOptionTests
{
    static T WithoutKeys<T>(T config, params string[] keys)
    {
        var json = JsonSerializer.SerializeToNode(config, ModelRegistry.Json)!.AsObject();
        foreach (var key in keys) Assert.True(json.Remove(key), $"{typeof(T).Name} has no '{key}' to remove");
        return JsonSerializer.Deserialize<T>(json.ToJsonString(), ModelRegistry.Json)!;
    }

    [Fact]
    public void Configs_stored_before_the_options_existed_load_with_the_old_behaviour()
    {
        var convLstm = WithoutKeys(ConvLstmConfig.Tiny with { GateBias = false, ForgetBias = 0 }, "gateBias", "forgetBias");
        Assert.True(convLstm.GateBias);
        Assert.Equal(1.0, convLstm.ForgetBias);
        var predRnn = WithoutKeys(PredRnnConfig.Tiny with { GateBias = false }, "gateBias");
        Assert.True(predRnn.GateBias);
    }

    [Fact]
    public void Without_gate_biases_the_cells_have_no_bias_and_the_forget_bias_changes_the_output()
    {
        var noBias = new ConvLstm(ConvLstmConfig.Tiny with { GateBias = false });
        Assert.DoesNotContain(noBias.state_dict().Keys, k => k.EndsWith(".bias"));
        Assert.Contains(new ConvLstm(ConvLstmConfig.Tiny).state_dict().Keys, k => k == "cells.0.inputGates.bias");
        Assert.DoesNotContain(new PredRnn(PredRnnConfig.Tiny with { GateBias = false }).state_dict().Keys, k => k.EndsWith(".bias"));

        var zero = new ConvLstm(ConvLstmConfig.Tiny with { GateBias = false, ForgetBias = 0 });
        zero.load_state_dict(noBias.state_dict());
        using var context = TorchSharp.torch.rand([1, 3, 1, 16, 16]);
        using var noGrad = TorchSharp.torch.no_grad();
        using var a = noBias.Predict(context, 2);
        using var b = zero.Predict(context, 2);
        Assert.False(a.allclose(b), "the forget bias made no difference");
    }
}
