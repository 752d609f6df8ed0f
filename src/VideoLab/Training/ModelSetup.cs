using TorchSharp;
using System.Text.Json;
using System.Text.Json.Nodes;
using VideoLab.Data;
using VideoLab.Models;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>Which registered config to start from: the published size or the tiny one (tests, quick mode, CPU tutorials).</summary>
public enum ModelSize { Default, Tiny }

/// <summary>
/// Builds a registered model for a dataset and picks its training method, the same way for the CLI,
/// notebooks and benchmarks: registry entry → config at a size → fitted to the clips → module on the
/// device → method (<see cref="PredictionMethod"/> for predictors, the entry's <see cref="ModelEntry.Method"/> otherwise).
/// </summary>
public static class ModelSetup
{
    /// <summary>
    /// The config with its data-dependent fields set from the clips, for any config record that has them
    /// (matched by JSON name): <c>channels</c>, <c>height</c>, <c>width</c>, <c>imageSize</c> (square frames),
    /// <c>frames</c> (clip length), <c>contextFrames</c> and <c>horizon</c>. Other fields are kept.
    /// </summary>
    public static object FitToData(ModelEntry entry, object config, ClipShape clip, int contextFrames, int horizon)
    {
        var json = JsonSerializer.SerializeToNode(config, entry.ConfigType, ModelRegistry.Json)!.AsObject();
        void Set(string key, int value) { if (json.ContainsKey(key)) json[key] = value; }
        Set("channels", clip.Channels);
        Set("height", clip.Height);
        Set("width", clip.Width);
        Set("frames", clip.Frames);
        Set("contextFrames", contextFrames);
        Set("horizon", horizon);
        if (json.ContainsKey("imageSize"))
        {
            if (clip.Height != clip.Width)
                throw new ArgumentException($"Model '{entry.Name}' takes square frames (imageSize); the data's are {clip.Height}×{clip.Width}.");
            json["imageSize"] = clip.Height;
        }
        return json.Deserialize(entry.ConfigType, ModelRegistry.Json)
               ?? throw new InvalidOperationException($"Config of '{entry.Name}' did not survive fitting to the data.");
    }

    /// <summary>
    /// The config with fields replaced by name (<c>hiddenChannels=32</c>, as the CLI's <c>--set</c> gives them);
    /// values are parsed as JSON (numbers, true/false) or taken as strings. Unknown names are an error listing the known ones.
    /// </summary>
    public static object Override(ModelEntry entry, object config, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count == 0) return config;
        var json = JsonSerializer.SerializeToNode(config, entry.ConfigType, ModelRegistry.Json)!.AsObject();
        foreach (var (name, text) in values)
        {
            var key = json.Select(kv => kv.Key).FirstOrDefault(k => k.Equals(name, StringComparison.OrdinalIgnoreCase))
                      ?? throw new ArgumentException($"Model '{entry.Name}' has no config field '{name}'. Its fields: {string.Join(", ", json.Select(kv => kv.Key))}.");
            JsonNode? value;
            try { value = JsonNode.Parse(text); }
            catch (JsonException) { value = JsonValue.Create(text); }
            json[key] = value;
        }
        try
        {
            return json.Deserialize(entry.ConfigType, ModelRegistry.Json)
                   ?? throw new ArgumentException($"Config of '{entry.Name}' is empty after the overrides.");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"A value does not fit model '{entry.Name}''s config ({string.Join(", ", values.Select(kv => $"{kv.Key}={kv.Value}"))}): {e.Message}", e);
        }
    }

    /// <summary>
    /// The registered model <paramref name="name"/> at <paramref name="size"/> with <paramref name="overrides"/> applied,
    /// fitted to <paramref name="clip"/>, built on <paramref name="device"/>.
    /// </summary>
    public static (ModelSpec Spec, nn.Module Model) Build(string name, ModelSize size, ClipShape clip, int contextFrames, int horizon, Device device,
                                                          IReadOnlyDictionary<string, string>? overrides = null)
    {
        var entry = ModelRegistry.Get(name);
        var sized = Override(entry, size == ModelSize.Tiny ? entry.TinyConfig : entry.DefaultConfig, overrides ?? new Dictionary<string, string>());
        var config = FitToData(entry, sized, clip, contextFrames, horizon);
        var spec = ModelSpec.Of(entry, config);
        return (spec, entry.Build(config).to(device));
    }

    /// <summary>How <paramref name="model"/> trains: its entry's method, or <see cref="PredictionMethod"/> for predictors.</summary>
    public static ITrainingMethod Method(ModelEntry entry, nn.Module model, MethodSettings settings) =>
        entry.Method is { } factory ? factory(model, settings)
        : model is IVideoPredictor ? new PredictionMethod(model, settings)
        : throw new ArgumentException($"Model '{entry.Name}' is neither a predictor nor registered with a training method.");
}
