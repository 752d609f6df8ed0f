using System.CommandLine;
using VideoLab.Data;
using VideoLab.Models;
using VideoLab.Sweeps;
using VideoLab.Training;

namespace VideoLab.Cli.Commands;

/// <summary>
/// What <c>videolab train</c> accepts, asked of train's own command (<see cref="TrainCommand.Create"/>): its options, its
/// parser (types and values), the model registry, the dataset catalogue and the model's config fields for <c>--set</c>.
/// A sweep is checked with it before anything runs, and follows train when train gains an option.
/// </summary>
public sealed class SweepTrainArguments : ITrainArguments
{
    readonly Command _train = TrainCommand.Create();

    public IReadOnlyCollection<string> Options => _train.Options.Select(o => o.Name.TrimStart('-')).ToList();

    public bool IsRepeatable(string option) => _train.Options.FirstOrDefault(o => o.Name == $"--{option}")?.ValueType.IsArray == true;

    public string? Refusal(IReadOnlyList<string> arguments)
    {
        var parse = _train.Parse(arguments);
        if (parse.Errors.Count > 0) return string.Join("; ", parse.Errors.Select(e => e.Message));
        try
        {
            var entry = ModelRegistry.Get(parse.GetValue<string>("--model")!);
            var data = parse.GetValue<string>("--data")!;
            if (!DatasetCatalog.Names.Contains(data.ToLowerInvariant()))
                return $"Unknown dataset '{data}'. Known datasets: {string.Join(", ", DatasetCatalog.Names)}.";
            var fields = (parse.GetValue<string[]>("--set") ?? []).Select(p => p.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => p.Length > 1 ? p[1].Trim() : "");
            var recipe = TrainingRecipes.Get(parse.GetValue<string>("--recipe") ?? "cpu", entry.Name);  // an unknown recipe is refused here
            var size = parse.GetValue<ModelSize?>("--size") ?? recipe.Size;
            ModelSetup.Override(entry, size == ModelSize.Tiny ? entry.TinyConfig : entry.DefaultConfig, fields);
            return null;
        }
        catch (ArgumentException e) { return e.Message; }
    }
}
