using System.Text.Json.Nodes;
using VideoLab.Data;
using VideoLab.Models;
using VideoLab.Runtime;
using VideoLab.Training;

namespace VideoLab.Interop;

/// <summary>
/// An imported model as a VideoLab run directory, so every verb that reads runs works on it (<c>videolab eval</c>,
/// <c>sample</c>, <c>predict</c>, <c>export</c>, <c>render</c>): <c>config.json</c> (model, the data it is meant for,
/// context and horizon), <c>checkpoints/best.ckpt</c> (the weights; no optimiser state, step 0) and <c>imported.json</c>
/// (where the weights came from and what the import changed). Written into a temporary folder that is renamed at
/// the end, so an interrupted import leaves no half-written run.
/// </summary>
public static class ImportedRun
{
    /// <summary>The file recording the origin of the weights.</summary>
    public const string OriginFile = "imported.json";

    /// <summary>Writes the run; <paramref name="directory"/> must not exist or be empty.</summary>
    /// <param name="directory">The run directory to create.</param>
    /// <param name="imported">The model and its spec.</param>
    /// <param name="data">The data the model is meant for (what <c>videolab eval</c> uses unless told otherwise), or null.</param>
    /// <param name="method">Method settings (for predictors: the <c>context</c> and <c>horizon</c> options).</param>
    /// <param name="origin">Where the weights came from (framework, file, arguments), written to imported.json.</param>
    public static void Write(string directory, ImportedModel imported, DataSpec? data, MethodSettings method, IReadOnlyDictionary<string, string> origin)
    {
        var full = Path.GetFullPath(directory);
        if (File.Exists(full) || Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
            throw new ArgumentException($"{directory} already exists and is not an empty directory; choose a new --out directory.");
        var temp = $"{full.TrimEnd(Path.DirectorySeparatorChar)}.tmp-{Guid.NewGuid():N}";
        try
        {
            Directory.CreateDirectory(temp);
            Checkpoint.Save(RunFiles.BestCheckpointPath(temp), new TrainingState(0, 0, 0, 0), imported.Spec,
                            new Dictionary<string, TorchSharp.torch.nn.Module> { ["model"] = imported.Model },
                            new Dictionary<string, TorchSharp.torch.optim.Optimizer>(), 0);
            var config = new RunConfig(imported.Spec, data, new TrainerSettings(Steps: 0), method, 0, Lab.Report(), DateTime.UtcNow);
            File.WriteAllText(Path.Combine(temp, RunFiles.Config), config.ToJson());
            var record = new JsonObject { ["notes"] = new JsonArray(imported.Notes.Select(n => (JsonNode?)n).ToArray()) };
            foreach (var (key, value) in origin) record[key] = value;
            File.WriteAllText(Path.Combine(temp, OriginFile), record.ToJsonString(ModelRegistry.Json));
            if (Directory.Exists(full)) Directory.Delete(full);
            Directory.Move(temp, full);
        }
        catch
        {
            try { if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>The data an OpenSTL predictor of this shape was trained on, as VideoLab names it: Moving MNIST for one channel, else the built-in shapes.</summary>
    public static DataSpec DataFor(IPredictorConfig config) =>
        new(config.Channels == 1 ? "moving-mnist" : "shapes", Frames: config.ContextFrames + config.Horizon, Size: config.Height);

    /// <summary>The method options that make eval and sample split clips as the model was trained.</summary>
    public static MethodSettings MethodFor(IPredictorConfig config) =>
        new(Options: new Dictionary<string, string>
        {
            ["context"] = config.ContextFrames.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["horizon"] = config.Horizon.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

}
