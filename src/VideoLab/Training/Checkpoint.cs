using System.Text;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Models;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>Which registered model a run trains: its registry name and config as JSON, so a checkpoint alone rebuilds it.</summary>
/// <param name="Name">The <see cref="ModelRegistry"/> name (<c>convlstm</c>, …).</param>
/// <param name="ConfigJson">The model's config record serialised with <see cref="ModelRegistry.Json"/>.</param>
public sealed record ModelSpec(string Name, string ConfigJson)
{
    /// <summary>The spec of a registered model built from <paramref name="config"/>.</summary>
    public static ModelSpec Of(ModelEntry entry, object config) =>
        new(entry.Name, JsonSerializer.Serialize(config, entry.ConfigType, ModelRegistry.Json));
}

/// <summary>Where the training loop stands: enough to continue exactly where it stopped.</summary>
/// <param name="Step">Optimisation steps done.</param>
/// <param name="Epoch">Current epoch.</param>
/// <param name="BatchInEpoch">Batches of <paramref name="Epoch"/> already consumed (the loader position).</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="BestMetric">Best validation value so far (for <c>best</c> and early stopping), or null.</param>
/// <param name="ValidationsWithoutImprovement">Early-stopping counter.</param>
/// <param name="Seconds">Wall-clock seconds of training so far.</param>
public sealed record TrainingState(long Step, int Epoch, long BatchInEpoch, long Seed,
                                   double? BestMetric = null, int ValidationsWithoutImprovement = 0, double Seconds = 0);

/// <summary>The readable part of a checkpoint (stored as JSON at its start).</summary>
/// <param name="State">Loop position.</param>
/// <param name="Model">The registered model, or null for a model built by hand.</param>
/// <param name="Modules">Names of the modules whose weights follow.</param>
/// <param name="Optimizers">Names of the optimisers whose state follows.</param>
/// <param name="SchedulerSteps">How many times the LR scheduler has stepped (it is rebuilt and fast-forwarded on resume).</param>
/// <param name="Saved">When it was written (UTC).</param>
public sealed record CheckpointHeader(TrainingState State, ModelSpec? Model, IReadOnlyList<string> Modules,
                                      IReadOnlyList<string> Optimizers, long SchedulerSteps, DateTime Saved);

/// <summary>
/// One file holding everything needed to continue a run: the weights of every module, the state of
/// every optimiser (TorchSharp's own format), the scheduler position, the loop position, torch's CPU
/// generator state and the model name + config (nanoGPT stores <c>model_args</c> the same way).
/// Layout: a magic line, the header as JSON, length-prefixed blocks per module and optimiser, the RNG
/// state, an end marker; a file cut short fails to load with a message saying so. Written with
/// <see cref="AtomicFile"/>. Not handled: CUDA generator states (CUDA runs resume, but not bit-exactly).
/// </summary>
public static class Checkpoint
{
    const string Magic = "VideoLab checkpoint 1";
    const string EndMarker = "end of checkpoint";

    /// <summary>Writes a checkpoint atomically.</summary>
    public static void Save(string path, TrainingState state, ModelSpec? model,
                            IReadOnlyDictionary<string, nn.Module> modules,
                            IReadOnlyDictionary<string, optim.Optimizer> optimizers, long schedulerSteps)
    {
        var header = new CheckpointHeader(state, model, modules.Keys.ToList(), optimizers.Keys.ToList(), schedulerSteps, DateTime.UtcNow);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(JsonSerializer.Serialize(header, ModelRegistry.Json));
            foreach (var (name, module) in modules)
                WriteBlock(writer, w => module.save(w));
            foreach (var (name, optimizer) in optimizers)
            {
                if (optimizer is not OptimizerHelper helper)
                    throw new NotSupportedException($"Optimiser '{name}' ({optimizer.GetType().Name}) cannot save its state; use one of TorchSharp's managed optimisers (Adam, AdamW, SGD, …).");
                WriteBlock(writer, helper.save_state_dict);
            }
            using (var rng = torch.random.get_rng_state())
                WriteBlock(writer, w => w.Write(rng.data<byte>().ToArray()));
            writer.Write(EndMarker);
        });
    }

    /// <summary>Reads only the header (fast: for listings and to rebuild the model).</summary>
    public static CheckpointHeader ReadHeader(string path)
    {
        using var reader = Open(path);
        return ReadHeader(reader, path);
    }

    /// <summary>
    /// Restores weights and optimiser states into the given modules and optimisers (matched by name; every
    /// name in the file must be given) and torch's CPU generator, and returns the header.
    /// </summary>
    public static CheckpointHeader Restore(string path, IReadOnlyDictionary<string, nn.Module> modules,
                                          IReadOnlyDictionary<string, optim.Optimizer> optimizers, bool restoreRng = true)
    {
        using var reader = Open(path);
        var header = ReadHeader(reader, path);
        foreach (var name in header.Modules)
        {
            var block = ReadBlock(reader, path);
            if (!modules.TryGetValue(name, out var module))
                throw new InvalidDataException($"Checkpoint {path} holds module '{name}', which the training method does not have (it has: {string.Join(", ", modules.Keys)}).");
            LoadWeights(module, block, path, name);
        }
        foreach (var name in header.Optimizers)
        {
            var block = ReadBlock(reader, path);
            if (!optimizers.TryGetValue(name, out var optimizer) || optimizer is not OptimizerHelper helper)
                throw new InvalidDataException($"Checkpoint {path} holds optimiser '{name}', which the training method does not have (it has: {string.Join(", ", optimizers.Keys)}).");
            using var blockReader = new BinaryReader(new MemoryStream(block));
            helper.load_state_dict(blockReader);
        }
        var rng = ReadBlock(reader, path);
        ReadEnd(reader, path);
        if (restoreRng)
        {
            using var state = torch.tensor(rng);  // uint8, as get_rng_state returned it
            torch.random.set_rng_state(state);
        }
        return header;
    }

    /// <summary>Rebuilds the registered model a checkpoint was trained from, with its weights, on <paramref name="device"/>.</summary>
    public static (ModelSpec Spec, nn.Module Model) LoadModel(string path, Device? device = null)
    {
        using var reader = Open(path);
        var header = ReadHeader(reader, path);
        var spec = header.Model ?? throw new InvalidDataException(
            $"Checkpoint {path} does not name a registered model (it was trained on a model built by hand), so it cannot rebuild one.");
        var model = ModelRegistry.Get(spec.Name).BuildFromJson(spec.ConfigJson);
        int index = header.Modules.ToList().IndexOf("model");
        if (index < 0) throw new InvalidDataException($"Checkpoint {path} has no 'model' weights (modules: {string.Join(", ", header.Modules)}).");
        byte[] block = [];
        for (int i = 0; i <= index; i++) block = ReadBlock(reader, path);
        LoadWeights(model, block, path, "model");
        if (device is not null) model.to(device);
        return (spec, model);
    }

    // TorchSharp's strict load throws an ArgumentException naming the first parameter that differs.
    static void LoadWeights(nn.Module module, byte[] block, string path, string name)
    {
        using var blockReader = new BinaryReader(new MemoryStream(block));
        try { module.load(blockReader); }
        catch (ArgumentException e) { throw new CheckpointModelMismatchException(path, name, e); }
    }

    static BinaryReader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at {path}.", path);
        return new BinaryReader(File.OpenRead(path), Encoding.UTF8, leaveOpen: false);
    }

    static CheckpointHeader ReadHeader(BinaryReader reader, string path)
    {
        try
        {
            if (reader.ReadString() != Magic) throw new InvalidDataException($"{path} is not a VideoLab checkpoint (expected the line '{Magic}' at its start).");
            return JsonSerializer.Deserialize<CheckpointHeader>(reader.ReadString(), ModelRegistry.Json)
                   ?? throw new InvalidDataException($"Checkpoint {path} has an empty header.");
        }
        catch (EndOfStreamException e) { throw Truncated(path, e); }
    }

    static void WriteBlock(BinaryWriter writer, Action<BinaryWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true)) body(w);
        writer.Write(buffer.Length);
        buffer.Position = 0;
        writer.Flush();
        buffer.CopyTo(writer.BaseStream);
    }

    static byte[] ReadBlock(BinaryReader reader, string path)
    {
        try
        {
            long length = reader.ReadInt64();
            var bytes = reader.ReadBytes(checked((int)length));
            if (bytes.Length != length) throw new EndOfStreamException();
            return bytes;
        }
        catch (EndOfStreamException e) { throw Truncated(path, e); }
    }

    static void ReadEnd(BinaryReader reader, string path)
    {
        try { if (reader.ReadString() == EndMarker) return; }
        catch (EndOfStreamException) { }
        throw Truncated(path, null);
    }

    static InvalidDataException Truncated(string path, Exception? inner) =>
        new($"Checkpoint {path} is cut short or corrupt (a write was interrupted?). Use the previous checkpoint.", inner);
}
