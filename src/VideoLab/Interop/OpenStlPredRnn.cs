using VideoLab.Models;

namespace VideoLab.Interop;

/// <summary>
/// OpenSTL's PredRNN (openstl/models/predrnn_model.py, openstl/modules/predrnn_modules.py) ↔ VideoLab's
/// <see cref="PredRnn"/>. The mapping, per layer i:
/// <code>
/// cell_list.i.conv_x.0.weight    ↔ cells.i.inputGates.weight   (7 gates: i, f, g, i', f', g', o; layer 0: input channels reordered)
/// cell_list.i.conv_h.0.weight    ↔ cells.i.hiddenGates.weight  (i, f, g, o)
/// cell_list.i.conv_m.0.weight    ↔ cells.i.memoryGates.weight  (i', f', g')
/// cell_list.i.conv_o.0.weight    ↔ cells.i.outputGate.weight   (over [c', m'])
/// cell_list.i.conv_last.weight   ↔ cells.i.fuse.weight         (1×1 over [c', m'])
/// conv_last.weight               ↔ readout.weight              (output channels reordered)
/// </code>
/// Exact with <c>GateBias: false</c> (OpenSTL's convolutions have no bias); both add the forget bias 1 and start m
/// from zeros at the bottom layer. Every OpenSTL tensor is used, so nothing is dropped.
/// </summary>
public static class OpenStlPredRnn
{
    /// <summary>VideoLab's config for OpenSTL's PredRNN arguments.</summary>
    public static PredRnnConfig Config(OpenStlArgs args)
    {
        var (t, c, h, w) = args.InShape;
        var (layers, hidden, kernel, patch) = args.RecurrentSizes("PredRNN");
        return new PredRnnConfig(c, h, w, args.Context, args.Horizon, layers, hidden, kernel, patch, GateBias: false);
    }

    /// <summary>OpenSTL's arguments for a VideoLab PredRNN config.</summary>
    public static OpenStlArgs Args(PredRnnConfig config) =>
        OpenStlArgs.Recurrent("PredRNN", config, config.Layers, config.HiddenChannels, config.KernelSize, config.PatchSize);

    /// <summary>The key mapping for <paramref name="config"/>; refuses configs OpenSTL's PredRNN cannot express.</summary>
    public static WeightLayout Layout(PredRnnConfig config)
    {
        if (config.GateBias)
            throw new ArgumentException("OpenSTL's PredRNN has no bias on its input convolution (conv_x), and this PredRNN has one " +
                                        "(cells.*.inputGates.bias, gateBias = true). Export it under VideoLab's names instead, or train with gateBias = false.");
        var pairs = new List<KeyPair>();
        for (int i = 0; i < config.Layers; i++)
        {
            var input = i == 0 ? OpenStlPatchOrder.Transform(config.Channels, config.PatchSize, 1, "conv_x of the first layer") : null;
            pairs.Add(new KeyPair($"cells.{i}.inputGates.weight", $"cell_list.{i}.conv_x.0.weight", input));
            pairs.Add(new KeyPair($"cells.{i}.hiddenGates.weight", $"cell_list.{i}.conv_h.0.weight"));
            pairs.Add(new KeyPair($"cells.{i}.memoryGates.weight", $"cell_list.{i}.conv_m.0.weight"));
            pairs.Add(new KeyPair($"cells.{i}.outputGate.weight", $"cell_list.{i}.conv_o.0.weight"));
            pairs.Add(new KeyPair($"cells.{i}.fuse.weight", $"cell_list.{i}.conv_last.weight"));
        }
        pairs.Add(new KeyPair("readout.weight", "conv_last.weight", OpenStlPatchOrder.Transform(config.Channels, config.PatchSize, 0, "conv_last")));
        return new WeightLayout("OpenSTL's PredRNN_Model", pairs, []);
    }
}
