using System.Text.Json;
using System.Text.Json.Nodes;
using VideoLab.Data;
using VideoLab.Models;
using VideoLab.Runtime;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>What <c>config.json</c> of a run directory says: enough to know, and redo, what was trained.</summary>
/// <param name="Model">The registered model and its config (null for a model built by hand).</param>
/// <param name="Data">The training data, as the CLI or notebook named it (null for data built by hand).</param>
/// <param name="Training">The trainer's settings (budget, schedule, seed, …).</param>
/// <param name="Method">Learning rates and method options.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Versions">Runtime report: device, TorchSharp and LibTorch versions, OS.</param>
/// <param name="Created">When the run started (UTC).</param>
/// <param name="Recipe">The training recipe the run followed, every value as used (command-line changes applied), with
/// its name and source; null for runs started without one (notebooks, older runs).</param>
/// <param name="BatchSize">Clips per training batch.</param>
public sealed record RunConfig(ModelSpec? Model, DataSpec? Data, TrainerSettings Training, MethodSettings? Method,
                               long Seed, RuntimeReport? Versions, DateTime Created, TrainingRecipe? Recipe = null, int? BatchSize = null)
{
    /// <summary>config.json: the model config is embedded as a JSON object (not a string), so it reads naturally.</summary>
    public string ToJson()
    {
        var o = new JsonObject
        {
            ["model"] = Model is null ? null : new JsonObject { ["name"] = Model.Name, ["config"] = JsonNode.Parse(Model.ConfigJson) },
            ["data"] = JsonSerializer.SerializeToNode(Data, ModelRegistry.Json),
            ["training"] = JsonSerializer.SerializeToNode(Training, ModelRegistry.Json),
            ["method"] = JsonSerializer.SerializeToNode(Method, ModelRegistry.Json),
            ["seed"] = Seed,
            ["versions"] = JsonSerializer.SerializeToNode(Versions, ModelRegistry.Json),
            ["created"] = Created,
            ["batchSize"] = BatchSize,
            ["recipe"] = JsonSerializer.SerializeToNode(Recipe, ModelRegistry.Json),
        };
        return o.ToJsonString(ModelRegistry.Json);
    }

    /// <summary>Parses what <see cref="ToJson"/> wrote.</summary>
    public static RunConfig FromJson(string json)
    {
        var o = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException("config.json is empty.");
        T? Get<T>(string key) => o[key] is { } node ? node.Deserialize<T>(ModelRegistry.Json) : default;
        var model = o["model"] is JsonObject m
            ? new ModelSpec(m["name"]!.GetValue<string>(), m["config"]?.ToJsonString(ModelRegistry.Json) ?? "{}")
            : null;
        return new RunConfig(model, Get<DataSpec>("data"),
                             Get<TrainerSettings>("training") ?? throw new InvalidDataException("config.json has no \"training\" section."),
                             Get<MethodSettings>("method"), o["seed"]?.GetValue<long>() ?? 0, Get<RuntimeReport>("versions"),
                             o["created"]?.GetValue<DateTime>() ?? default, Get<TrainingRecipe>("recipe"), o["batchSize"]?.GetValue<int>());
    }
}

/// <summary>
/// A run directory read back (see <see cref="RunFiles"/> for the layout): config, every metric line,
/// the checkpoints and the sample clips, for plots, galleries and <c>videolab runs list</c>.
/// </summary>
/// <param name="Directory">The run directory.</param>
/// <param name="Config">Its config.json.</param>
/// <param name="Metrics">Every line of metrics.jsonl, in order.</param>
/// <param name="LastCheckpoint">checkpoints/last, or null when none was written.</param>
/// <param name="BestCheckpoint">checkpoints/best, or null.</param>
/// <param name="Samples">Sample clip files (<c>samples/*.pt</c>) by label (file name without extension).</param>
public sealed record Run(string Directory, RunConfig Config, IReadOnlyList<MetricRecord> Metrics,
                         string? LastCheckpoint, string? BestCheckpoint, IReadOnlyDictionary<string, string> Samples)
{
    /// <summary>Reads a run directory.</summary>
    public static Run Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory)) throw new DirectoryNotFoundException($"No run directory at {directory}.");
        var configPath = Path.Combine(directory, RunFiles.Config);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"{directory} is not a run directory: it has no {RunFiles.Config}.", configPath);
        var config = RunConfig.FromJson(File.ReadAllText(configPath));
        var metrics = File.Exists(Path.Combine(directory, RunFiles.Metrics)) ? RunFiles.ReadMetrics(directory) : [];
        string? Existing(string p) => File.Exists(p) ? p : null;
        var samplesDir = Path.Combine(directory, RunFiles.Samples);
        var samples = System.IO.Directory.Exists(samplesDir)
            ? System.IO.Directory.GetFiles(samplesDir, "*.pt").OrderBy(p => p, StringComparer.Ordinal)
                .ToDictionary(p => Path.GetFileNameWithoutExtension(p), p => p)
            : new Dictionary<string, string>();
        return new Run(directory, config, metrics, Existing(RunFiles.LastCheckpointPath(directory)),
                       Existing(RunFiles.BestCheckpointPath(directory)), samples);
    }

    /// <summary>The metric lines of one split ("train" or "val").</summary>
    public IEnumerable<MetricRecord> Split(string split) => Metrics.Where(m => m.Split == split);

    /// <summary>A sample clip <c>(N, T, C, H, W)</c> by label; the caller disposes it.</summary>
    public Tensor LoadSample(string label) =>
        Samples.TryGetValue(label, out var path)
            ? RunFiles.ReadClip(path)
            : throw new KeyNotFoundException($"Run {Directory} has no sample '{label}'. It has: {string.Join(", ", Samples.Keys)}.");
}
