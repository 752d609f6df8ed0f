using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VideoLab.Interop;

/// <summary>
/// OpenSTL's model arguments as JSON: what its trainer writes to <c>model_param.json</c> (the whole argument namespace)
/// or what a user types from a config file: <c>in_shape</c> [T, C, H, W], <c>pre_seq_length</c>, <c>aft_seq_length</c>,
/// and per method <c>hid_S</c>, <c>hid_T</c>, <c>N_S</c>, <c>N_T</c>, <c>model_type</c>, <c>mlp_ratio</c> (SimVP, TAU) or
/// <c>num_hidden</c>, <c>filter_size</c>, <c>stride</c>, <c>patch_size</c>, <c>layer_norm</c> (ConvLSTM, PredRNN).
/// Missing keys take OpenSTL's defaults where it has one (SimVP_Model's signature, openstl/utils/parser.py).
/// </summary>
public sealed class OpenStlArgs
{
    readonly JsonObject values;

    public OpenStlArgs(JsonObject values) => this.values = values;

    /// <summary>Parses a JSON object of arguments.</summary>
    /// <exception cref="ArgumentException">Not a JSON object.</exception>
    public static OpenStlArgs Parse(string json, string source = "the OpenSTL arguments")
    {
        try
        {
            return new OpenStlArgs(JsonNode.Parse(json) as JsonObject
                                   ?? throw new ArgumentException($"{source}: expected a JSON object of OpenSTL model arguments (in_shape, hid_S, …)."));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{source} is not valid JSON ({e.Message}); expected OpenSTL's model arguments, e.g. " +
                                        "{\"in_shape\": [10, 1, 64, 64], \"hid_S\": 64, \"hid_T\": 512, \"N_S\": 4, \"N_T\": 8, \"model_type\": \"gSTA\"}.", e);
        }
    }

    /// <summary>Reads a JSON file of arguments (OpenSTL's model_param.json, or one written by hand).</summary>
    public static OpenStlArgs Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No OpenSTL arguments file at {path}.", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>in_shape as (T, C, H, W); required.</summary>
    public (int T, int C, int H, int W) InShape
    {
        get
        {
            var shape = Ints("in_shape");
            if (shape.Length != 4 || shape.Any(d => d < 1))
                throw Refuse("in_shape", $"[{string.Join(", ", shape)}]", "expected four positive numbers [T, C, H, W], e.g. [10, 1, 64, 64]");
            return (shape[0], shape[1], shape[2], shape[3]);
        }
    }

    /// <summary>Context frames: pre_seq_length, else in_shape's T.</summary>
    public int Context => Int("pre_seq_length", InShape.T);

    /// <summary>Predicted frames: aft_seq_length, else total_length − pre_seq_length, else as many as the context.</summary>
    public int Horizon => Has("aft_seq_length") ? Int("aft_seq_length", 0)
                        : Has("total_length") ? Int("total_length", 0) - Context : Context;

    public bool Has(string key) => values[key] is not null;

    /// <summary>An integer argument, or <paramref name="fallback"/> (null: required).</summary>
    public int Int(string key, int? fallback = null)
    {
        if (values[key] is not JsonValue v) return fallback ?? throw Missing(key);
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<double>(out var d) && d == Math.Floor(d)) return (int)d;
        if (v.TryGetValue<bool>(out var b)) return b ? 1 : 0;
        if (v.TryGetValue<string>(out var s) && int.TryParse(s, CultureInfo.InvariantCulture, out i)) return i;
        throw Refuse(key, v.ToJsonString(), "expected an integer");
    }

    /// <summary>A number argument, or <paramref name="fallback"/>.</summary>
    public double Double(string key, double fallback)
    {
        if (values[key] is not JsonValue v) return fallback;
        if (v.TryGetValue<double>(out var d)) return d;
        if (v.TryGetValue<string>(out var s) && double.TryParse(s, CultureInfo.InvariantCulture, out d)) return d;
        throw Refuse(key, v.ToJsonString(), "expected a number");
    }

    /// <summary>A text argument, or <paramref name="fallback"/>.</summary>
    public string? Text(string key, string? fallback = null) =>
        values[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : fallback;

    /// <summary>A list of integers: a JSON array, or OpenSTL's comma-separated text ("128,128,128,128").</summary>
    public int[] Ints(string key)
    {
        var node = values[key] ?? throw Missing(key);
        try
        {
            return node switch
            {
                JsonArray a => a.Select(n => n!.GetValue<int>()).ToArray(),
                JsonValue v when v.TryGetValue<string>(out var s) => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                                                                      .Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray(),
                JsonValue v => [v.GetValue<int>()],
                _ => throw new FormatException(),
            };
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or NullReferenceException)
        {
            throw Refuse(key, node.ToJsonString(), "expected a list of integers");
        }
    }

    /// <summary>
    /// The sizes of OpenSTL's recurrent models (ConvLSTM_Model, PredRNN_Model), refusing what VideoLab's cells cannot
    /// represent: layers of different widths, a stride other than 1, layer norm after the gate convolutions.
    /// </summary>
    public (int Layers, int Hidden, int Kernel, int Patch) RecurrentSizes(string model)
    {
        var hidden = Ints("num_hidden");
        if (hidden.Length == 0 || hidden.Distinct().Count() != 1 || hidden[0] < 1)
            throw Refuse("num_hidden", $"'{string.Join(",", hidden)}'", $"VideoLab's {model} gives every layer the same positive width");
        if (Int("stride", 1) != 1)
            throw Refuse("stride", Int("stride"), $"VideoLab's {model} convolves the state with stride 1, as every OpenSTL config does");
        if (Int("layer_norm", 0) != 0)
            throw Refuse("layer_norm", Int("layer_norm"), $"VideoLab's {model} cells have no LayerNorm after the gate convolutions " +
                                                          "(OpenSTL's conv_x.1, conv_h.1, …); its Moving MNIST configs use layer_norm = 0");
        int kernel = Int("filter_size", 5), patch = Int("patch_size", 4);
        if (kernel < 1 || kernel % 2 == 0) throw Refuse("filter_size", kernel, "expected an odd kernel size");
        return (hidden.Length, hidden[0], kernel, patch);
    }

    /// <summary>
    /// Arguments describing a VideoLab predictor to OpenSTL: <c>method</c>, the data keys (<c>in_shape</c>, <c>pre_seq_length</c>,
    /// <c>aft_seq_length</c>, <c>total_length</c>) from <paramref name="data"/>, then the model's own <paramref name="model"/> keys.
    /// </summary>
    public static OpenStlArgs For(string method, Models.IPredictorConfig data, JsonObject model)
    {
        var json = new JsonObject
        {
            ["method"] = method,
            ["in_shape"] = new JsonArray(data.ContextFrames, data.Channels, data.Height, data.Width),
            ["pre_seq_length"] = data.ContextFrames,
            ["aft_seq_length"] = data.Horizon,
            ["total_length"] = data.ContextFrames + data.Horizon,
        };
        foreach (var key in model.Select(kv => kv.Key).ToList())
        {
            var value = model[key];
            model.Remove(key);  // a JSON node has one parent
            json[key] = value;
        }
        return new OpenStlArgs(json);
    }

    /// <summary>The arguments of OpenSTL's recurrent models for these sizes: the inverse of <see cref="RecurrentSizes"/>.</summary>
    public static OpenStlArgs Recurrent(string method, Models.IPredictorConfig data, int layers, int hidden, int kernel, int patch) =>
        For(method, data, new JsonObject
        {
            ["num_hidden"] = string.Join(",", Enumerable.Repeat(hidden, layers)),
            ["filter_size"] = kernel,
            ["stride"] = 1,
            ["patch_size"] = patch,
            ["layer_norm"] = 0,
        });

    /// <summary>The arguments as indented JSON.</summary>
    public string ToJson() => values.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>An argument VideoLab cannot represent: the message names the argument, its value and the reason.</summary>
    public static ArgumentException Refuse(string key, object? value, string reason) =>
        new($"OpenSTL argument {key} = {value}: {reason}.");

    static ArgumentException Missing(string key) =>
        new($"The OpenSTL arguments lack '{key}', which this model needs (OpenSTL's model_param.json in the run's work directory has it).");
}
