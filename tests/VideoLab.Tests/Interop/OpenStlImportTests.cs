using VideoLab.Interop;
using VideoLab.Tests.Generative;
using VideoLab.Models;
using static TorchSharp.torch;

namespace VideoLab.Tests.Interop;

/// <summary>
/// OpenSTL checkpoints made by PyTorch modules with OpenSTL's names and conventions (References/openstl_reference.py)
/// load into VideoLab's models and predict what PyTorch predicted, rollouts included: the recurrent models roll out 4
/// frames after 3 (two image channels, so the patch-channel reordering matters), SimVP chains three passes for 5
/// frames after 2, TAU predicts 2 after 3.
/// </summary>
[Collection(OpenStlReferenceCollection.Name)]
public class OpenStlImportTests(OpenStlReferenceFiles files)
{
    /// <summary>float32 agreement between LibTorch 2.10 and PyTorch 1.13 after a few layers and a rollout.</summary>
    const double Tolerance = 1e-5;

    Tensor Predict(ImportedModel imported, string name)
    {
        using var noGrad = no_grad();
        using var input = files.Array($"{name}-input.npy");                                         // (B, pre, C, H, W)
        var config = (IPredictorConfig)ModelRegistry.Get(imported.Spec.Name).ConfigFromJson(imported.Spec.ConfigJson);
        return ((IVideoPredictor)imported.Model).Predict(input, config.Horizon);                    // (B, aft, C, H, W)
    }

    void AssertMatches(string name, string file, string expected, string? videolabName = null)
    {
        var imported = OpenStl.Import(name, files.File(file), OpenStlArgs.Load(files.File($"{name}-args.json")));
        Assert.Equal(videolabName ?? name, imported.Spec.Name);
        using var reference = files.Array(expected);
        using var ours = Predict(imported, name);
        Assert.Equal(reference.shape, ours.shape);
        Assert.True(reference.abs().max().item<float>() > 0.01, "the reference output is all but zero: the comparison would prove nothing");
        double difference = (ours - reference).abs().max().item<float>();
        Assert.True(ours.allclose(reference, rtol: Tolerance, atol: Tolerance), $"{file}: largest difference from PyTorch {difference:E2}");
    }

    [Theory]
    [InlineData("convlstm")]
    [InlineData("predrnn")]
    [InlineData("simvp")]
    [InlineData("tau")]
    public void A_state_dict_predicts_what_PyTorch_predicts(string name) => AssertMatches(name, $"{name}.pth", $"{name}-expected.npy");

    [Fact]
    public void A_Lightning_checkpoint_loads_its_model_prefixed_state_dict_and_ignores_the_rest()
    {
        // OpenSTL's Lightning trainer: {'state_dict': {'model.…'}, 'optimizer_states': [Adam moments], 'hyper_parameters': AttributeDict, …}
        AssertMatches("predrnn", "predrnn-lightning.ckpt", "predrnn-expected.npy");
        var imported = OpenStl.Import("predrnn", files.File("predrnn-lightning.ckpt"), OpenStlArgs.Load(files.File("predrnn-args.json")));
        Assert.Contains(imported.Notes, n => n.Contains("'model.' prefix"));
        Assert.Contains(imported.Notes, n => n.Contains("'state_dict' entry") && n.Contains("optimizer_states"));
    }

    [Fact]
    public void The_older_trainer_checkpoint_and_safetensors_load_too()
    {
        AssertMatches("simvp", "simvp-trainer.pth", "simvp-expected.npy");   // {'epoch', 'optimizer', 'state_dict', 'scheduler'}
        AssertMatches("tau", "tau.safetensors", "tau-expected.npy");
    }

    [Theory]
    [InlineData("fp16", "Float16")]
    [InlineData("bf16", "BFloat16")]
    public void Half_precision_weights_are_widened_to_float32_exactly(string kind, string type)
    {
        // PyTorch computed the expected output in float32 from the same rounded weights, so any loss beyond the file's own rounding fails.
        AssertMatches("simvp", $"simvp-{kind}.pth", $"simvp-{kind}-expected.npy");
        var imported = OpenStl.Import("simvp", files.File($"simvp-{kind}.pth"), OpenStlArgs.Load(files.File("simvp-args.json")));
        Assert.Contains(imported.Notes, n => n.Contains($"{type} tensor(s) to Float32 (exact)"));
    }

    [Fact]
    public void ConvLstm_drops_the_convolutions_OpenSTL_never_uses_and_keeps_its_bias_free_cell()
    {
        var imported = OpenStl.Import("convlstm", files.File("convlstm.pth"), OpenStlArgs.Load(files.File("convlstm-args.json")));
        var config = (ConvLstmConfig)ModelRegistry.Get("convlstm").ConfigFromJson(imported.Spec.ConfigJson);
        Assert.False(config.GateBias);
        Assert.Equal(0, config.ForgetBias);
        Assert.Contains(imported.Notes, n => n.Contains("dropped 4 tensor(s)") && n.Contains("conv_o") && n.Contains("conv_last"));
        Assert.DoesNotContain(imported.Model.state_dict().Keys, k => k.EndsWith("bias"));
    }

    [Fact]
    public void Tau_arguments_without_a_model_type_default_to_tau_and_simvp_ones_to_gsta()
    {
        var args = OpenStlArgs.Parse("""{"in_shape": [2, 1, 8, 8], "aft_seq_length": 2, "hid_S": 4, "hid_T": 8, "N_S": 2, "N_T": 2}""");
        Assert.Equal("tau", OpenStl.Configure("tau", args).Name);
        Assert.Equal("simvp", OpenStl.Configure("simvp", args).Name);
        var simvp = (SimVpConfig)OpenStl.Configure("simvp", args).Config;
        Assert.Equal((8.0, 2, 2), (simvp.MlpRatio, simvp.Horizon, simvp.ContextFrames));  // SimVP_Model's mlp_ratio default; in_shape's T
    }

    [Fact]
    public void The_patch_orders_map_the_same_pixel_to_each_other()
    {
        // reshape_patch written out on a frame whose values are their own (c, y, x) coordinates: each of our channels
        // must hold the same pixel as the OpenSTL channel the permutation names.
        const int c = 3, p = 2, h = 4, w = 6;
        using var frame = arange(c * h * w).reshape(1, c, h, w).to(ScalarType.Float32);                  // (1, C, H, W)
        using var ours = nn.functional.pixel_unshuffle(frame, p);                                          // (1, C·p², H/p, W/p)
        using var theirs = frame.permute(0, 2, 3, 1).reshape(1, h / p, p, w / p, p, c).transpose(2, 3)     // OpenSTL: (B, H/p, W/p, p, p, C)
                                .reshape(1, h / p, w / p, p * p * c).permute(0, 3, 1, 2);                  // (1, p²·C, H/p, W/p)
        var index = OpenStlPatchOrder.TheirIndexOfOurs(c, p);
        for (int i = 0; i < index.Length; i++)
            Assert.True(TensorCompare.Same(ours[0, i], theirs[0, index[i]]), $"our channel {i} is not OpenSTL's channel {index[i]}");
    }
}
