using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Models;

/// <summary>The five families of the tutorials.</summary>
public enum ModelFamily { Cnn, Rnn, Attention, Gan, VqVae }

/// <summary>
/// One registered model: its name (as typed on the command line), family, config type with a
/// default (the published size) and a tiny config (tests, quick mode), and a factory from a config.
/// <see cref="Method"/> says how to train it; null for predictors (<see cref="IVideoPredictor"/>), which
/// all train with the prediction method.
/// </summary>
public sealed record ModelEntry(
    string Name,
    ModelFamily Family,
    string Summary,
    Type ConfigType,
    object DefaultConfig,
    object TinyConfig,
    Func<object, nn.Module> Build,
    Func<nn.Module, VideoLab.Training.MethodSettings, VideoLab.Training.ITrainingMethod>? Method = null)
{
    /// <summary>
    /// How the reference setting trains this model, with its source (OpenSTL's config, VideoGPT's or MoCoGAN's code):
    /// <c>videolab train --model NAME --recipe reference</c> uses it.
    /// </summary>
    public VideoLab.Training.TrainingRecipe Recipe => VideoLab.Training.TrainingRecipes.Reference(Name);

    /// <summary>Builds from a config serialised as JSON (as stored in checkpoints and run directories).</summary>
    public nn.Module BuildFromJson(string configJson) => Build(ConfigFromJson(configJson));

    /// <summary>The config record a JSON text describes (as stored in checkpoints and run directories).</summary>
    public object ConfigFromJson(string configJson) =>
        JsonSerializer.Deserialize(configJson, ConfigType, ModelRegistry.Json)
        ?? throw new ArgumentException($"Config for model '{Name}' is empty.");

    /// <summary>Helper for typed registration.</summary>
    public static ModelEntry Create<TConfig>(string name, ModelFamily family, string summary,
                                             TConfig defaults, TConfig tiny, Func<TConfig, nn.Module> build,
                                             Func<nn.Module, VideoLab.Training.MethodSettings, VideoLab.Training.ITrainingMethod>? method = null)
        where TConfig : notnull =>
        new(name, family, summary, typeof(TConfig), defaults, tiny, c => build((TConfig)c), method);
}

/// <summary>
/// Maps a model name (<c>convlstm</c>, <c>simvp</c>, <c>vqvae</c>, …) to its factory, so the CLI,
/// notebooks and benchmarks build models the same way. Each family adds its entries in its own
/// catalog file by implementing one of the partial methods below.
/// </summary>
public static partial class ModelRegistry
{
    /// <summary>JSON options for configs: camelCase, enums as strings, readable.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    static readonly Lazy<IReadOnlyList<ModelEntry>> Entries = new(() =>
    {
        var list = new List<ModelEntry>();
        AddPredictors(list);
        AddGenerators(list);
        var duplicate = list.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Model name '{duplicate.Key}' is registered twice.");
        return list;
    });

    static partial void AddPredictors(List<ModelEntry> into);
    static partial void AddGenerators(List<ModelEntry> into);

    /// <summary>Every registered model, in registration order.</summary>
    public static IReadOnlyList<ModelEntry> All => Entries.Value;

    /// <summary>The entry for <paramref name="name"/> (case-insensitive), or an error listing the known names.</summary>
    public static ModelEntry Get(string name) =>
        All.FirstOrDefault(e => e.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"Unknown model '{name}'. Known models: {string.Join(", ", All.Select(e => e.Name))}.");
}
