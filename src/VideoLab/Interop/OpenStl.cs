using TorchSharp;
using VideoLab.Models;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Interop;

/// <summary>A model built from foreign weights: its registry spec (name + config), the module, and what the import changed.</summary>
public sealed record ImportedModel(ModelSpec Spec, nn.Module Model, IReadOnlyList<string> Notes);

/// <summary>
/// OpenSTL checkpoints in and out: which VideoLab model and config an OpenSTL method and its arguments correspond to,
/// and the key mapping of each architecture (<see cref="OpenStlConvLstm"/>, <see cref="OpenStlPredRnn"/>,
/// <see cref="OpenStlSimVp"/> for gSTA and TAU). Checked against PyTorch modules with OpenSTL's names in
/// tests/VideoLab.Tests/References/openstl_reference.py.
/// </summary>
public static class OpenStl
{
    /// <summary>The OpenSTL methods VideoLab imports, by the name <c>videolab import --model</c> takes.</summary>
    public static IReadOnlyList<string> Models { get; } = ["convlstm", "predrnn", "simvp", "tau"];

    /// <summary>The registry name and config of the VideoLab model for OpenSTL's <paramref name="model"/> with <paramref name="args"/>.</summary>
    /// <exception cref="ArgumentException">An unknown model, arguments of another method, or an argument VideoLab cannot represent.</exception>
    public static (string Name, object Config) Configure(string model, OpenStlArgs args)
    {
        var name = model.ToLowerInvariant();
        var method = args.Text("method")?.ToLowerInvariant();
        string[] accepted = name switch
        {
            "convlstm" => ["convlstm"],
            "predrnn" => ["predrnn"],
            "simvp" or "tau" => ["simvp", "tau"],
            _ => throw new ArgumentException($"Unknown OpenSTL model '{model}'. VideoLab imports: {string.Join(", ", Models)} " +
                                             "(VideoGPT's VQ-VAE: see --from videogpt)."),
        };
        if (method is not null && !accepted.Contains(method))
            throw new ArgumentException($"The OpenSTL arguments are for method '{args.Text("method")}', not {model}; pass the arguments of the run the checkpoint came from.");
        return name switch
        {
            "convlstm" => ("convlstm", OpenStlConvLstm.Config(args)),
            "predrnn" => ("predrnn", OpenStlPredRnn.Config(args)),
            _ => SimVp(name, args),
        };
    }

    static (string, object) SimVp(string model, OpenStlArgs args)
    {
        var config = OpenStlSimVp.Config(args.Has("model_type") || model != "tau" ? args : WithModelType(args, "tau"));
        return (OpenStlSimVp.RegistryName(config), config);
    }

    static OpenStlArgs WithModelType(OpenStlArgs args, string type)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(args.ToJson())!.AsObject();
        json["model_type"] = type;
        return new OpenStlArgs(json);
    }

    /// <summary>The key mapping to OpenSTL for a VideoLab config, or null when OpenSTL has no such model.</summary>
    /// <exception cref="ArgumentException">OpenSTL has the model but not this config (e.g. a ConvLSTM with gate biases).</exception>
    public static WeightLayout? Layout(object config) => config switch
    {
        ConvLstmConfig c => OpenStlConvLstm.Layout(c),
        PredRnnConfig c => OpenStlPredRnn.Layout(c),
        SimVpConfig { Translator: not SimVpTranslator.Attention } c => OpenStlSimVp.Layout(c),
        _ => null,
    };

    /// <summary>OpenSTL's model arguments for a VideoLab config, or null when OpenSTL has no such model.</summary>
    public static OpenStlArgs? Args(object config) => config switch
    {
        ConvLstmConfig c => OpenStlConvLstm.Args(c),
        PredRnnConfig c => OpenStlPredRnn.Args(c),
        SimVpConfig { Translator: not SimVpTranslator.Attention } c => OpenStlSimVp.Args(c),
        _ => null,
    };

    /// <summary>
    /// Builds the VideoLab model for OpenSTL's <paramref name="model"/> and <paramref name="args"/> and loads the weights of
    /// <paramref name="checkpoint"/> (.pth/.pt/.ckpt in any OpenSTL layout, or .safetensors), all or nothing.
    /// </summary>
    public static ImportedModel Import(string model, string checkpoint, OpenStlArgs args, long? budgetBytes = null, Device? device = null)
    {
        var (name, config) = Configure(model, args);
        var entry = ModelRegistry.Get(name);
        var module = entry.Build(config);
        using (var file = WeightFiles.Read(checkpoint, budgetBytes))
        {
            var layout = Layout(config)!;
            var notes = new List<string>(file.Notes);
            var ours = layout.ToOurs(file, module);
            try { notes.AddRange(WeightLoader.Load(module, ours, checkpoint)); }
            finally { foreach (var t in ours.Values) t.Dispose(); }
            var dropped = layout.Unused.Where(u => file.ContainsKey(u.Theirs)).ToList();
            if (dropped.Count > 0)
                notes.Add($"dropped {dropped.Count} tensor(s) that {layout.Description} stores but never uses: {string.Join("; ", dropped.Select(u => u.Why).Distinct())}");
            if (device is not null) module.to(device);
            module.eval();
            return new ImportedModel(ModelSpec.Of(entry, config), module, notes);
        }
    }
}
