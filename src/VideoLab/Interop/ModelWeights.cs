using System.Text.Json.Nodes;
using TorchSharp;
using VideoLab.Models;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Interop;

/// <summary>Whose parameter names an exported file uses.</summary>
public enum WeightNames
{
    /// <summary>VideoLab's own state_dict names (every model).</summary>
    VideoLab,
    /// <summary>OpenSTL's names and layouts, so its model code loads the file (ConvLSTM, PredRNN, SimVP-gSTA, TAU).</summary>
    OpenStl,
}

/// <summary>
/// Any registered VideoLab model's weights to and from files PyTorch reads: safetensors (with the model's registry name
/// and config JSON in the metadata, so the file alone rebuilds the model) and torch.save state_dicts; under VideoLab's
/// names, or OpenSTL's where <see cref="OpenStl"/> has a mapping (then OpenSTL's model arguments go beside the file as
/// <c>NAME.args.json</c>, and into the safetensors metadata).
/// </summary>
public static class ModelWeights
{
    /// <summary>Metadata keys VideoLab writes into safetensors files.</summary>
    public const string ModelKey = "videolab.model", ConfigKey = "videolab.config", NamesKey = "videolab.names", OpenStlArgsKey = "openstl.args";

    /// <summary>Writes <paramref name="model"/>'s weights; returns the files written (the weights first).</summary>
    /// <exception cref="ArgumentException">OpenSTL names for a model or config OpenSTL does not have.</exception>
    public static IReadOnlyList<string> Export(ModelSpec spec, nn.Module model, string path, WeightFormat format, WeightNames names)
    {
        var config = ModelRegistry.Get(spec.Name).ConfigFromJson(spec.ConfigJson);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            [ModelKey] = spec.Name,
            [ConfigKey] = JsonNode.Parse(spec.ConfigJson)!.ToJsonString(),
            [NamesKey] = names == WeightNames.OpenStl ? "openstl" : "videolab",
        };
        var files = new List<string> { path };
        List<KeyValuePair<string, Tensor>> tensors;
        if (names == WeightNames.OpenStl)
        {
            var layout = OpenStl.Layout(config) ?? throw new ArgumentException(
                $"OpenSTL has no counterpart of VideoLab's '{spec.Name}' (mapped: {string.Join(", ", OpenStl.Models)}); export it under VideoLab's names.");
            tensors = layout.ToTheirs(model);
            var args = OpenStl.Args(config)!;
            metadata[OpenStlArgsKey] = JsonNode.Parse(args.ToJson())!.ToJsonString();
            var argsPath = Path.ChangeExtension(path, ".args.json");
            AtomicFile.Write(argsPath, s => s.Write(System.Text.Encoding.UTF8.GetBytes(args.ToJson())));
            files.Add(argsPath);
        }
        else
        {
            tensors = model.state_dict().Select(kv => KeyValuePair.Create(kv.Key, kv.Value.detach().alias())).ToList();
        }
        try { WeightFiles.Write(path, format, tensors, metadata); }
        finally { foreach (var (_, t) in tensors) t.Dispose(); }
        return files;
    }

    /// <summary>
    /// Rebuilds a model from a weight file: a safetensors file VideoLab wrote (its metadata names the model and config),
    /// or any file in VideoLab's names when <paramref name="spec"/> says which model it is.
    /// </summary>
    public static ImportedModel Import(string path, ModelSpec? spec = null, long? budgetBytes = null, Device? device = null)
    {
        using var file = WeightFiles.Read(path, budgetBytes);
        if (spec is null)
        {
            if (!file.Metadata.TryGetValue(ModelKey, out var name) || !file.Metadata.TryGetValue(ConfigKey, out var configJson))
                throw new WeightFileException(path, "does not say which VideoLab model it holds (no videolab.model / videolab.config metadata, " +
                                                    "as `videolab export --format safetensors` writes). Name the model and its config: --model NAME --config CONFIG.json.");
            spec = new ModelSpec(name, configJson);
        }
        var entry = ModelRegistry.Get(spec.Name);
        var module = entry.BuildFromJson(spec.ConfigJson);
        var notes = new List<string>(file.Notes);
        if (file.Metadata.GetValueOrDefault(NamesKey) == "openstl")
        {
            var config = entry.ConfigFromJson(spec.ConfigJson);
            var ours = OpenStl.Layout(config)!.ToOurs(file, module);
            try { notes.AddRange(WeightLoader.Load(module, ours, path)); }
            finally { foreach (var t in ours.Values) t.Dispose(); }
        }
        else notes.AddRange(WeightLoader.Load(module, file, path));
        if (device is not null) module.to(device);
        module.eval();
        return new ImportedModel(ModelSpec.Of(entry, entry.ConfigFromJson(spec.ConfigJson)), module, notes);
    }
}
