using VideoLab.Models;

namespace VideoLab.Interop;

/// <summary>
/// OpenSTL's ConvLSTM (openstl/models/convlstm_model.py, openstl/modules/convlstm_modules.py) ↔ VideoLab's
/// <see cref="ConvLstm"/>. The mapping, per layer i:
/// <code>
/// cell_list.i.conv_x.0.weight   ↔ cells.i.inputGates.weight   (layer 0: input channels reordered, see OpenStlPatchOrder)
/// cell_list.i.conv_h.0.weight   ↔ cells.i.hiddenGates.weight
/// cell_list.i.conv_o.0.weight     unused: OpenSTL's ConvLSTMCell creates it and never calls it (dropped; zeros on export)
/// cell_list.i.conv_last.weight    unused, likewise
/// conv_last.weight              ↔ readout.weight              (output channels reordered)
/// </code>
/// Exact because VideoLab's cell is configured as OpenSTL's: no bias on the input convolution (<c>GateBias: false</c>)
/// and no forget bias (<c>ForgetBias: 0</c>; OpenSTL sets <c>_forget_bias = 1.0</c> but its forward never adds it).
/// The gates are split in the same order (i, f, g, o). A VideoLab ConvLSTM with gate biases or a forget bias has no
/// OpenSTL equivalent; exporting one under OpenSTL's names is refused.
/// </summary>
public static class OpenStlConvLstm
{
    /// <summary>VideoLab's config for OpenSTL's ConvLSTM arguments.</summary>
    public static ConvLstmConfig Config(OpenStlArgs args)
    {
        var (t, c, h, w) = args.InShape;
        var (layers, hidden, kernel, patch) = args.RecurrentSizes("ConvLSTM");
        return new ConvLstmConfig(c, h, w, args.Context, args.Horizon, layers, hidden, kernel, patch, GateBias: false, ForgetBias: 0);
    }

    /// <summary>OpenSTL's arguments for a VideoLab ConvLSTM config.</summary>
    public static OpenStlArgs Args(ConvLstmConfig config) =>
        OpenStlArgs.Recurrent("ConvLSTM", config, config.Layers, config.HiddenChannels, config.KernelSize, config.PatchSize);

    /// <summary>The key mapping for <paramref name="config"/>; refuses configs OpenSTL's ConvLSTM cannot express.</summary>
    public static WeightLayout Layout(ConvLstmConfig config)
    {
        if (config.GateBias)
            throw new ArgumentException("OpenSTL's ConvLSTM has no bias on its input convolution (conv_x), and this ConvLSTM has one " +
                                        "(cells.*.inputGates.bias, gateBias = true). Export it under VideoLab's names instead, or train with gateBias = false.");
        if (config.ForgetBias != 0)
            throw new ArgumentException($"OpenSTL's ConvLSTM adds no forget bias (its _forget_bias is never used), and this ConvLSTM adds {config.ForgetBias}. " +
                                        "Export it under VideoLab's names instead, or train with forgetBias = 0.");
        int n = config.HiddenChannels, k = config.KernelSize;
        var pairs = new List<KeyPair>();
        var unused = new List<UnusedKey>();
        for (int i = 0; i < config.Layers; i++)
        {
            var input = i == 0 ? OpenStlPatchOrder.Transform(config.Channels, config.PatchSize, 1, "conv_x of the first layer") : null;
            pairs.Add(new KeyPair($"cells.{i}.inputGates.weight", $"cell_list.{i}.conv_x.0.weight", input));
            pairs.Add(new KeyPair($"cells.{i}.hiddenGates.weight", $"cell_list.{i}.conv_h.0.weight"));
            unused.Add(new UnusedKey($"cell_list.{i}.conv_o.0.weight", [n, 2 * n, k, k], "ConvLSTMCell.forward never uses conv_o"));
            unused.Add(new UnusedKey($"cell_list.{i}.conv_last.weight", [n, 2 * n, 1, 1], "ConvLSTMCell.forward never uses conv_last"));
        }
        pairs.Add(new KeyPair("readout.weight", "conv_last.weight", OpenStlPatchOrder.Transform(config.Channels, config.PatchSize, 0, "conv_last")));
        return new WeightLayout("OpenSTL's ConvLSTM_Model", pairs, unused);
    }
}
