using TorchSharp;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VideoLab.Training;

/// <summary>
/// The files of a run directory <c>runs/&lt;name&gt;/</c>, shared by the trainer (writes), galleries and
/// notebooks (read):
/// <list type="bullet">
/// <item><c>config.json</c>: model name and config, data, training settings, seed, versions;</item>
/// <item><c>metrics.jsonl</c>: one <see cref="MetricRecord"/> per line;</item>
/// <item><c>checkpoints/last</c>, <c>checkpoints/best</c>;</item>
/// <item><c>samples/</c>: clips as TorchSharp tensors <c>&lt;label&gt;.pt</c>, <c>(N, T, C, H, W)</c> in [0, 1], with MP4/GIF exports beside them.</item>
/// </list>
/// </summary>
public static class RunFiles
{
    public const string Config = "config.json";
    public const string Metrics = "metrics.jsonl";
    public const string Checkpoints = "checkpoints";
    public const string Samples = "samples";
    /// <summary>The latest checkpoint, inside <see cref="Checkpoints"/>.</summary>
    public const string LastCheckpoint = "last.ckpt";
    /// <summary>The checkpoint with the best validation value, inside <see cref="Checkpoints"/>.</summary>
    public const string BestCheckpoint = "best.ckpt";

    public static string LastCheckpointPath(string runDirectory) => Path.Combine(runDirectory, Checkpoints, LastCheckpoint);
    public static string BestCheckpointPath(string runDirectory) => Path.Combine(runDirectory, Checkpoints, BestCheckpoint);

    /// <summary>
    /// The checkpoint a user means by <paramref name="path"/>: a checkpoint file itself, or a run directory
    /// (then <c>best</c> when there is one, else <c>last</c>).
    /// </summary>
    public static string ResolveCheckpoint(string path)
    {
        if (File.Exists(path)) return path;
        if (Directory.Exists(path))
        {
            foreach (var candidate in new[] { BestCheckpointPath(path), LastCheckpointPath(path), Path.Combine(path, BestCheckpoint), Path.Combine(path, LastCheckpoint) })
                if (File.Exists(candidate)) return candidate;
            throw new FileNotFoundException($"The directory {path} holds no checkpoint ({Checkpoints}/{BestCheckpoint} or {Checkpoints}/{LastCheckpoint}).");
        }
        throw new FileNotFoundException($"No checkpoint file or run directory at {path}.", path);
    }

    /// <summary>Writes a clip tensor <c>(N, T, C, H, W)</c> atomically in TorchSharp's format (<c>.pt</c>).</summary>
    public static void WriteClip(string path, TorchSharp.torch.Tensor clips)
    {
        using var cpu = clips.detach().cpu().contiguous();  // Tensor.Save reads the raw bytes: strided views (e.g. permuted reconstructions) must be packed first
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            cpu.Save(writer);
        });
    }

    /// <summary>Reads a clip written by <see cref="WriteClip"/>; the caller disposes it.</summary>
    public static TorchSharp.torch.Tensor ReadClip(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        return TorchSharp.torch.Tensor.Load(reader);
    }

    /// <summary>Appends one record to metrics.jsonl and flushes it (a killed run loses at most the line being written).</summary>
    public static void AppendMetric(string runDirectory, MetricRecord record) =>
        File.AppendAllText(Path.Combine(runDirectory, Metrics), ToJsonLine(record) + "\n");

    /// <summary>Drops the records after <paramref name="step"/> (a resumed run rewrites them).</summary>
    public static void TruncateMetricsAfter(string runDirectory, long step)
    {
        var path = Path.Combine(runDirectory, Metrics);
        if (!File.Exists(path)) return;
        var kept = ReadMetrics(runDirectory).Where(r => r.Step <= step).Select(r => ToJsonLine(r) + "\n");
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            foreach (var line in kept) writer.Write(line);
        });
    }

    /// <summary>One JSON line of <c>metrics.jsonl</c>.</summary>
    public static string ToJsonLine(MetricRecord record)
    {
        var o = new JsonObject { ["step"] = record.Step, ["epoch"] = record.Epoch, ["split"] = record.Split, ["seconds"] = record.Seconds };
        foreach (var (key, value) in record.Values)
            o[key] = double.IsFinite(value) ? value : null;  // JSON has no NaN/Inf
        return o.ToJsonString();
    }

    /// <summary>Parses one line written by <see cref="ToJsonLine"/>.</summary>
    public static MetricRecord FromJsonLine(string line)
    {
        var o = JsonNode.Parse(line)?.AsObject() ?? throw new InvalidDataException("Empty metrics line.");
        var values = new Dictionary<string, double>();
        foreach (var (key, node) in o)
            if (key is not ("step" or "epoch" or "split" or "seconds"))
                values[key] = node is null ? double.NaN : node.GetValue<double>();
        return new MetricRecord(
            o["step"]!.GetValue<long>(), o["epoch"]!.GetValue<int>(), o["split"]!.GetValue<string>(),
            o["seconds"]!.GetValue<double>(), values);
    }

    /// <summary>Reads every record of a run's <c>metrics.jsonl</c>; a torn last line (a killed run) is ignored.</summary>
    public static List<MetricRecord> ReadMetrics(string runDirectory)
    {
        var path = Path.Combine(runDirectory, Metrics);
        if (!File.Exists(path)) throw new FileNotFoundException($"No {Metrics} in run directory {runDirectory}.", path);
        var records = new List<MetricRecord>();
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            try { records.Add(FromJsonLine(lines[i])); }
            catch (JsonException) when (i == lines.Length - 1) { }
        }
        return records;
    }
}

/// <summary>One logged step: <paramref name="Split"/> is "train" or "val"; <paramref name="Values"/> holds losses, metrics, lr, samples/s.</summary>
public sealed record MetricRecord(long Step, int Epoch, string Split, double Seconds, IReadOnlyDictionary<string, double> Values);
