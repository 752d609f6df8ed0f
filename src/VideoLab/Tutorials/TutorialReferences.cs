using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using VideoLab.Models;
using VideoLab.Runtime;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tutorials;

/// <summary>
/// A reference checkpoint of the tutorials: a model of a notebook's <c>cpu</c>-mode size, trained for longer than the
/// notebook can afford by <c>notebooks/reference/make.cs</c>, loaded after the notebook's own short training.
/// </summary>
/// <param name="Name">File name without extension (<c>mocogan</c>, <c>vqvae</c>, …).</param>
/// <param name="Model">The rebuilt model with its weights, on <see cref="Lab.Device"/>, in eval mode.</param>
/// <param name="Spec">Registered model and config.</param>
/// <param name="Description">What it is and how it was trained, in a sentence.</param>
/// <param name="Steps">Optimisation steps it was trained for.</param>
/// <param name="Command">The command that made it.</param>
/// <param name="Sha256">SHA-256 of the weights file, checked on load.</param>
/// <param name="Seconds">Wall-clock seconds its training took, or 0 where the description does not record them.</param>
/// <param name="LastLosses">The training losses of its last step (empty where not recorded).</param>
public sealed record TutorialReference(string Name, nn.Module Model, ModelSpec Spec, string Description, long Steps, string Command, string Sha256,
                                       double Seconds, IReadOnlyDictionary<string, double> LastLosses)
{
    /// <summary>
    /// The reference as a run, for the notebooks' tables, charts and frame grids: its history is the last step's losses, and it
    /// has no run directory (<see cref="TutorialRun.Directory"/> is null).
    /// </summary>
    public TutorialRun ToRun(string label) =>
        new(label, Model, Spec, Directory: null,
            LastLosses.Count == 0 ? [] : [new MetricRecord(Steps, 0, "train", Seconds, LastLosses)], Steps, Seconds, Loaded: true);

    public override string ToString() =>
        $"reference '{Name}': {Description}, {Steps:N0} steps, {Model.parameters().Sum(p => p.numel()):N0} parameters; " +
        $"made by `{Command}`; weights SHA-256 {Sha256[..16]}… (checked)";
}

/// <summary>
/// Reads and writes the reference checkpoints of <c>notebooks/reference</c>: per model a weights file <c>NAME.weights</c>
/// (TorchSharp's <c>Module.save</c>) and a description <c>NAME.json</c> (registered model and config, what it is, how many
/// steps, the command that made it, the SHA-256 and size of the weights, the versions and CPU it was made with).
/// </summary>
public static class TutorialReferences
{
    /// <summary>
    /// The reference folder: <c>reference</c> beside the notebooks (the current folder when it is <c>notebooks</c>), or
    /// <c>notebooks/reference</c> in the current folder or a parent; null when there is none.
    /// </summary>
    public static string? Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            {
                if (dir.Name == "notebooks" && Directory.Exists(Path.Combine(dir.FullName, "reference"))) return Path.Combine(dir.FullName, "reference");
                var nested = Path.Combine(dir.FullName, "notebooks", "reference");
                if (Directory.Exists(nested)) return nested;
            }
            return null;
        }
    }

    /// <summary>
    /// The reference <paramref name="name"/>, or null when there is no reference folder or no such reference.
    /// Throws <see cref="InvalidDataException"/> when the weights file does not match the SHA-256 its description records.
    /// </summary>
    public static TutorialReference? Load(string name, string? folder = null)
    {
        folder ??= Folder;
        if (folder is null) return null;
        var (descriptionPath, weightsPath) = (Path.Combine(folder, name + ".json"), Path.Combine(folder, name + ".weights"));
        if (!File.Exists(descriptionPath) || !File.Exists(weightsPath)) return null;
        var description = JsonNode.Parse(File.ReadAllText(descriptionPath))!.AsObject();
        string expected = (string?)description["sha256"] ?? throw new InvalidDataException($"{descriptionPath} records no sha256.");
        string actual = Sha256(weightsPath);
        if (!actual.Equals(expected, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{weightsPath} has SHA-256 {actual}, but {descriptionPath} records {expected}: the file was changed or damaged. " +
                                           "Restore it from git, or remake it with notebooks/reference/make.sh.");
        var modelNode = description["model"]!.AsObject();
        var spec = new ModelSpec((string)modelNode["name"]!, modelNode["config"]!.ToJsonString(ModelRegistry.Json));
        var model = ModelRegistry.Get(spec.Name).BuildFromJson(spec.ConfigJson);
        model.load(weightsPath);
        model.to(Lab.Device).eval();
        var lastLosses = description["lastLosses"]?.AsObject().ToDictionary(kv => kv.Key, kv => (double)kv.Value!) ?? [];
        return new TutorialReference(name, model, spec, (string?)description["description"] ?? "", (long?)description["steps"] ?? 0,
                                     (string?)description["command"] ?? "", actual, (double?)description["seconds"] ?? 0, lastLosses);
    }

    /// <summary>
    /// Writes <paramref name="model"/>'s weights and its description into <paramref name="folder"/>; returns the weights' SHA-256.
    /// <paramref name="seconds"/> and <paramref name="lastLosses"/> (the training time and the last step's losses) are recorded when given.
    /// </summary>
    public static string Save(string folder, string name, nn.Module model, ModelSpec spec, string description, long steps, string command,
                              double? seconds = null, IReadOnlyDictionary<string, double>? lastLosses = null)
    {
        Directory.CreateDirectory(folder);
        var weightsPath = Path.Combine(folder, name + ".weights");
        var staging = weightsPath + ".tmp";
        model.save(staging);
        File.Move(staging, weightsPath, overwrite: true);
        string hash = Sha256(weightsPath);
        var json = new JsonObject
        {
            ["name"] = name,
            ["model"] = new JsonObject { ["name"] = spec.Name, ["config"] = JsonNode.Parse(spec.ConfigJson) },
            ["description"] = description,
            ["steps"] = steps,
            ["command"] = command,
            ["seconds"] = seconds is double t ? Math.Round(t, 1) : null,
            ["lastLosses"] = lastLosses is null ? null : new JsonObject(lastLosses.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["sha256"] = hash,
            ["bytes"] = new FileInfo(weightsPath).Length,
            ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(),
            ["libtorch"] = TorchSharp.torch.__version__,
            ["cpu"] = CpuName(),
        };
        File.WriteAllText(Path.Combine(folder, name + ".json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return hash;
    }

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    static string CpuName()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString(); }
    }
}
