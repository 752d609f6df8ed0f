using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoLab.Sweeps;

/// <summary>
/// What <c>videolab train</c> accepts, asked of train itself (the CLI implements it with train's own parser), so a
/// sweep is checked against the real trainer before anything runs rather than against a copy of its option list.
/// </summary>
public interface ITrainArguments
{
    /// <summary>train's options, by long name without dashes (<c>lr</c>, <c>batch-size</c>, <c>set</c>).</summary>
    IReadOnlyCollection<string> Options { get; }

    /// <summary>True for an option that may be given several times (<c>--set</c>, <c>--option</c>).</summary>
    bool IsRepeatable(string option);

    /// <summary>Why train would refuse these arguments (unknown model or config field, a value of the wrong type, …), or null when it would accept them.</summary>
    string? Refusal(IReadOnlyList<string> arguments);
}

/// <summary>One run of a sweep.</summary>
/// <param name="Index">Its position in the plan: the Slurm array index.</param>
/// <param name="Name">Stable name made of its axis values (<c>model=convlstm_lr=0.001_seed=1</c>): its run directory under <c>runs/</c>.</param>
/// <param name="Configuration">The name without the seed: runs that differ only by seed share it (means ± spread in the report).</param>
/// <param name="Axes">Its value of each axis (seed excluded), by axis key.</param>
/// <param name="Seed">Its seed, or null when the sweep has no seeds.</param>
/// <param name="Arguments">Its <c>videolab train</c> arguments, without <c>--out</c> (the sweep adds the run directory).</param>
public sealed record PlannedRun(int Index, string Name, string Configuration, IReadOnlyDictionary<string, string> Axes, long? Seed,
                                IReadOnlyList<string> Arguments);

/// <summary>
/// A sweep expanded into runs, as <c>videolab sweep plan</c> prints it and as <c>sweep.json</c> in the sweep directory
/// stores it (the executors and every array task read it from there).
/// </summary>
/// <param name="Name">The sweep's name.</param>
/// <param name="Quick">Whether quick mode's options were applied.</param>
/// <param name="Resources">Per-run resources.</param>
/// <param name="AxisKeys">The axes in file order (grid, then random), seed excluded.</param>
/// <param name="Runs">The runs, by index.</param>
public sealed record SweepPlan(string Name, bool Quick, SweepResources Resources, IReadOnlyList<string> AxisKeys, IReadOnlyList<PlannedRun> Runs)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static SweepPlan FromJson(string json, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<SweepPlan>(json, Json) ?? throw new SweepException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new SweepException($"{path} is not a sweep plan written by `videolab sweep run` ({e.Message}).");
        }
    }

    /// <summary>The run called <paramref name="name"/>.</summary>
    public PlannedRun Run(string name) => Runs.FirstOrDefault(r => r.Name == name)
        ?? throw new SweepException($"The sweep {Name} has no run '{name}'. Its runs: {string.Join(", ", Runs.Select(r => r.Name))}.");

    /// <summary>True when both are the same run: the same name and the same train arguments.</summary>
    public static bool SameRun(PlannedRun a, PlannedRun b) => a.Name == b.Name && a.Arguments.SequenceEqual(b.Arguments);
}
