using System.Text.Json.Nodes;
using VideoLab.Models;

namespace VideoLab.Interop;

/// <summary>
/// OpenSTL's SimVP with the gSTA or TAU translator (openstl/models/simvp_model.py: SimVP_Model, Encoder, Decoder,
/// MidMetaNet, MetaBlock; openstl/modules/simvp_modules.py: ConvSC, GASubBlock, TAUSubBlock; layers/van.py: MixMlp)
/// ↔ VideoLab's <see cref="SimVp"/>. Same layers in the same order, so only names change:
/// <code>
/// enc.enc.i.conv.conv.*            ↔ encoder.i.conv.*       (ConvSC → BasicConv2d → Conv2d)
/// enc.enc.i.conv.norm.*            ↔ encoder.i.norm.*       (GroupNorm, 2 groups)
/// dec.dec.i.conv.conv.0.*          ↔ decoder.i.conv.*       (upsampling blocks: Conv2d then PixelShuffle)
/// dec.dec.i.conv.conv.*            ↔ decoder.i.conv.*       (the others)
/// dec.dec.i.conv.norm.*            ↔ decoder.i.norm.*
/// dec.readout.*                    ↔ readout.*
/// hid.enc.i.block.norm1.*          ↔ translator.j.norm1.*   (BatchNorm2d, running statistics included)
/// hid.enc.i.block.attn.proj_1.*    ↔ translator.j.project1.*
/// hid.enc.i.block.attn.spatial_gating_unit.conv0.*        ↔ translator.j.attention.local.*
/// hid.enc.i.block.attn.spatial_gating_unit.conv_spatial.* ↔ translator.j.attention.dilated.*
/// hid.enc.i.block.attn.spatial_gating_unit.conv1.*        ↔ translator.j.attention.mix.*
/// hid.enc.i.block.attn.spatial_gating_unit.fc.{0,2}.weight ↔ translator.j.attention.excite.{0,2}.weight   (TAU only)
/// hid.enc.i.block.attn.proj_2.*    ↔ translator.j.project2.*
/// hid.enc.i.block.norm2.*          ↔ translator.j.norm2.*
/// hid.enc.i.block.mlp.fc1.*        ↔ translator.j.expand.*
/// hid.enc.i.block.mlp.dwconv.dwconv.* ↔ translator.j.depthwise.*
/// hid.enc.i.block.mlp.fc2.*        ↔ translator.j.shrink.*
/// hid.enc.i.block.layer_scale_{1,2} ↔ translator.j.scale{1,2}
/// hid.enc.i.reduction.*            ↔ translator.j+1.*       (1×1 convolution where the width changes)
/// </code>
/// Refused: OpenSTL's other translators (model_type incepu, convmixer, convnext, hornet, mlp, moga, poolformer, swin,
/// uniformer, van, vit), spatio_kernel_enc/dec other than 3 (VideoLab's blocks are 3×3), and an odd N_S, for which
/// OpenSTL's sampling_generator builds N_S − 1 encoder blocks. Dropout and drop-path are identities at test time.
/// </summary>
public static class OpenStlSimVp
{
    static readonly string[] OtherTranslators = ["incepu", "convmixer", "convnext", "hornet", "mlp", "mlpmixer", "moga", "moganet",
                                                 "poolformer", "swin", "uniformer", "van", "vit"];

    /// <summary>VideoLab's config for OpenSTL's SimVP/TAU arguments (SimVP_Model's defaults where an argument is missing).</summary>
    public static SimVpConfig Config(OpenStlArgs args)
    {
        var (t, c, h, w) = args.InShape;
        var type = args.Text("model_type", "gSTA")!;
        var translator = type.ToLowerInvariant() switch
        {
            "gsta" => SimVpTranslator.GSta,
            "tau" => SimVpTranslator.Tau,
            var other when OtherTranslators.Contains(other) =>
                throw OpenStlArgs.Refuse("model_type", type, "VideoLab's SimVP has the gSTA and TAU translators only"),
            _ => throw OpenStlArgs.Refuse("model_type", type, "unknown; OpenSTL's SimVP translators VideoLab reads are gSTA and tau"),
        };
        foreach (var key in new[] { "spatio_kernel_enc", "spatio_kernel_dec" })
            if (args.Int(key, 3) != 3)
                throw OpenStlArgs.Refuse(key, args.Int(key), "VideoLab's SimVP encoder and decoder use 3×3 convolutions, as OpenSTL's configs do");
        int spatial = args.Int("N_S", 4), temporal = args.Int("N_T", 4);
        if (spatial < 2 || spatial % 2 != 0)
            throw OpenStlArgs.Refuse("N_S", spatial, "expected an even number ≥ 2 (for odd N_S OpenSTL's sampling_generator builds N_S − 1 blocks)");
        if (args.Context != t)
            throw OpenStlArgs.Refuse("pre_seq_length", args.Context, $"SimVP reads in_shape's T = {t} frames at once; the two must agree");
        return new SimVpConfig(c, h, w, t, args.Horizon, translator, args.Int("hid_S", 16), args.Int("hid_T", 256), spatial, temporal,
                               args.Double("mlp_ratio", 8.0));
    }

    /// <summary>The registry name of the VideoLab model for these arguments: <c>simvp</c> (gSTA) or <c>tau</c>.</summary>
    public static string RegistryName(SimVpConfig config) => config.Translator == SimVpTranslator.Tau ? "tau" : "simvp";

    /// <summary>OpenSTL's arguments for a VideoLab SimVP config.</summary>
    public static OpenStlArgs Args(SimVpConfig config)
    {
        Check(config);
        return OpenStlArgs.For(config.Translator == SimVpTranslator.Tau ? "TAU" : "SimVP", config, new JsonObject
        {
            ["hid_S"] = config.SpatialChannels,
            ["hid_T"] = config.TemporalChannels,
            ["N_S"] = config.SpatialLayers,
            ["N_T"] = config.TemporalLayers,
            ["model_type"] = config.Translator == SimVpTranslator.Tau ? "tau" : "gSTA",
            ["mlp_ratio"] = config.MlpRatio,
            ["spatio_kernel_enc"] = 3,
            ["spatio_kernel_dec"] = 3,
        });
    }

    /// <summary>The key mapping for <paramref name="config"/>; refuses configs OpenSTL's SimVP cannot express.</summary>
    public static WeightLayout Layout(SimVpConfig config)
    {
        Check(config);
        var pairs = new List<KeyPair>();
        void Same(string ours, string theirs, params string[] leaves)
        {
            foreach (var leaf in leaves) pairs.Add(new KeyPair($"{ours}.{leaf}", $"{theirs}.{leaf}"));
        }
        string[] conv = ["weight", "bias"], batchNorm = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"];
        for (int i = 0; i < config.SpatialLayers; i++)
        {
            bool up = i % 2 == 0;  // the decoder mirrors sampling_generator: [up, same, up, same, …]
            Same($"encoder.{i}.conv", $"enc.enc.{i}.conv.conv", conv);
            Same($"encoder.{i}.norm", $"enc.enc.{i}.conv.norm", conv);
            Same($"decoder.{i}.conv", up ? $"dec.dec.{i}.conv.conv.0" : $"dec.dec.{i}.conv.conv", conv);
            Same($"decoder.{i}.norm", $"dec.dec.{i}.conv.norm", conv);
        }
        Same("readout", "dec.readout", conv);

        int t = config.ContextFrames, hs = config.SpatialChannels, ht = config.TemporalChannels;
        int[] widths = [t * hs, .. Enumerable.Repeat(ht, config.TemporalLayers - 1), t * hs];  // as SimVp builds its translator
        for (int i = 0, j = 0; i < config.TemporalLayers; i++, j++)
        {
            string ours = $"translator.{j}", theirs = $"hid.enc.{i}.block", gate = $"{theirs}.attn.spatial_gating_unit";
            Same($"{ours}.norm1", $"{theirs}.norm1", batchNorm);
            Same($"{ours}.project1", $"{theirs}.attn.proj_1", conv);
            Same($"{ours}.attention.local", $"{gate}.conv0", conv);
            Same($"{ours}.attention.dilated", $"{gate}.conv_spatial", conv);
            Same($"{ours}.attention.mix", $"{gate}.conv1", conv);
            if (config.Translator == SimVpTranslator.Tau)
            {
                Same($"{ours}.attention.excite.0", $"{gate}.fc.0", "weight");
                Same($"{ours}.attention.excite.2", $"{gate}.fc.2", "weight");
            }
            Same($"{ours}.project2", $"{theirs}.attn.proj_2", conv);
            Same($"{ours}.norm2", $"{theirs}.norm2", batchNorm);
            Same($"{ours}.expand", $"{theirs}.mlp.fc1", conv);
            Same($"{ours}.depthwise", $"{theirs}.mlp.dwconv.dwconv", conv);
            Same($"{ours}.shrink", $"{theirs}.mlp.fc2", conv);
            pairs.Add(new KeyPair($"{ours}.scale1", $"{theirs}.layer_scale_1"));
            pairs.Add(new KeyPair($"{ours}.scale2", $"{theirs}.layer_scale_2"));
            if (widths[i] != widths[i + 1]) Same($"translator.{++j}", $"hid.enc.{i}.reduction", conv);
        }
        return new WeightLayout(config.Translator == SimVpTranslator.Tau ? "OpenSTL's SimVP_Model (TAU)" : "OpenSTL's SimVP_Model (gSTA)", pairs, []);
    }

    static void Check(SimVpConfig config)
    {
        if (config.Translator == SimVpTranslator.Attention)
            throw new ArgumentException("OpenSTL's SimVP has no divided space–time attention translator (VideoLab's simvp-attention); " +
                                        "export it under VideoLab's names instead.");
        if (config.SpatialLayers % 2 != 0)
            throw new ArgumentException($"OpenSTL's SimVP builds {config.SpatialLayers - 1} encoder blocks for N_S = {config.SpatialLayers} (odd), " +
                                        "VideoLab builds all of them; export it under VideoLab's names instead.");
    }
}
