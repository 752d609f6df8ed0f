using System.Text.Json;
using System.Text.Json.Nodes;
using VideoLab.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Plots;

/// <summary>
/// What a gallery reads from a run directory (see <see cref="RunFiles"/>): config.json, metrics.jsonl and
/// the files in samples/. Read with <see cref="RunFiles.ReadMetrics"/> and System.Text.Json only.
/// </summary>
public sealed record GalleryRun(string Name, string Directory, JsonObject? Config, List<MetricRecord> Metrics)
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static GalleryRun Load(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
            throw new DirectoryNotFoundException($"Run directory {directory} does not exist (expected runs/<name>/ with {RunFiles.Metrics}).");
        var configPath = Path.Combine(full, RunFiles.Config);
        JsonObject? config = null;
        if (File.Exists(configPath))
        {
            try { config = JsonNode.Parse(File.ReadAllText(configPath))?.AsObject(); }
            catch (JsonException e) { throw new InvalidDataException($"{configPath} is not valid JSON: {e.Message}", e); }
        }
        var metrics = File.Exists(Path.Combine(full, RunFiles.Metrics)) ? RunFiles.ReadMetrics(full) : [];
        if (config is null && metrics.Count == 0)
            throw new InvalidDataException($"{directory} has neither {RunFiles.Config} nor {RunFiles.Metrics}: is it a run directory?");
        return new GalleryRun(Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)), full, config, metrics);
    }

    public string ConfigText => Config?.ToJsonString(Indented) ?? "(no config.json)";

    string SamplesDirectory => Path.Combine(Directory, RunFiles.Samples);

    /// <summary>Sample tensors <c>samples/*.pt</c>, by file name.</summary>
    public IEnumerable<string> SampleTensors => System.IO.Directory.Exists(SamplesDirectory)
        ? System.IO.Directory.EnumerateFiles(SamplesDirectory, "*.pt").Order(StringComparer.Ordinal)
        : [];

    /// <summary>Video exports <c>samples/*.mp4</c> and <c>*.gif</c>.</summary>
    public IEnumerable<string> Exports => System.IO.Directory.Exists(SamplesDirectory)
        ? System.IO.Directory.EnumerateFiles(SamplesDirectory)
            .Where(f => f.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".gif", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
        : [];

    /// <summary>
    /// Loads clips <c>(N, T, C, H, W)</c> (a single clip <c>(T, C, H, W)</c> becomes N = 1) on the CPU, from a file
    /// written by <c>torch.save(t, path)</c> (LibTorch's format, as PyTorch's .pt) or by TorchSharp's <c>t.Save(writer)</c>.
    /// </summary>
    public static Tensor LoadClips(string path)
    {
        var t = ReadTensor(path);
        if (t.dim() == 4) t = t.unsqueeze(0);  // (1, T, C, H, W)
        if (t.dim() != 5 || t.shape[2] is not (1 or 3))
        {
            var shape = string.Join(", ", t.shape);
            t.Dispose();
            throw new InvalidDataException($"{path} holds a tensor ({shape}); a sample file must hold clips (N, T, C, H, W) with C = 1 or 3.");
        }
        return t;
    }

    static Tensor ReadTensor(string path)
    {
        try { return torch.load(path); }
        catch (System.Runtime.InteropServices.ExternalException)
        {
            try { return Tensor.Load(path); }
            catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or IOException or ArgumentException)
            {
                throw new InvalidDataException(
                    $"{path} could be read neither by torch.load nor by TorchSharp's Tensor.Load ({e.Message.Split('\n')[0]}). " +
                    "Write sample clips with torch.save(clips, path).", e);
            }
        }
    }

    /// <summary>The last record of the validation split, or of training when there is no validation.</summary>
    public List<MetricRecord> SummaryRecords()
    {
        var val = Metrics.Where(r => r.Split == MetricSeries.Validation).ToList();
        return val.Count > 0 ? val : Metrics.Where(r => r.Split == MetricSeries.Train).ToList();
    }

    /// <summary>Config flattened to "a.b.c" → value text, for comparing runs.</summary>
    public Dictionary<string, string> FlatConfig()
    {
        var flat = new Dictionary<string, string>();
        void Walk(JsonNode? node, string prefix)
        {
            if (node is JsonObject o) foreach (var (k, v) in o) Walk(v, prefix.Length == 0 ? k : $"{prefix}.{k}");
            else flat[prefix] = node?.ToJsonString() ?? "null";
        }
        Walk(Config, "");
        return flat;
    }
}
