namespace VideoLab.Sweeps;

/// <summary>A mistake in a sweep file, in what it asks of <c>videolab train</c>, or in a sweep directory; the message names the place and what to do.</summary>
public sealed class SweepException(string message) : Exception(message);

/// <summary>
/// One value given to <c>videolab train</c>: an option by its long name without dashes (<c>lr</c>, <c>batch-size</c>),
/// a model config field (<c>set.hiddenChannels</c>, passed as <c>--set hiddenChannels=8</c>) or a training-method
/// option (<c>option.teacher-decay</c>, passed as <c>--option teacher-decay=0.3</c>).
/// </summary>
/// <param name="Key">The option, field or method option.</param>
/// <param name="Value">The value as written in the file.</param>
/// <param name="Line">Line in the sweep file (1-based), for error messages.</param>
public sealed record OptionValue(string Key, string Value, int Line);

/// <summary>A grid axis: the run is repeated for every value, combined with every value of the other axes.</summary>
public sealed record GridAxis(string Key, IReadOnlyList<string> Values, int Line);

/// <summary>An axis whose values are drawn at random (<see cref="RandomDraws"/>).</summary>
public sealed record RandomAxis(string Key, Distribution Distribution, int Line);

/// <summary>
/// <paramref name="Count"/> draws of every random axis from a generator seeded with <paramref name="Seed"/>
/// (so a file always expands to the same runs); each draw is combined with every grid point.
/// </summary>
public sealed record RandomDraws(int Count, int Seed, IReadOnlyList<RandomAxis> Axes);

/// <summary>
/// What one run needs from a scheduler. Slurm uses all of it; the local executor uses <see cref="Cpus"/>
/// (threads per run, and how many runs fit at once).
/// </summary>
/// <param name="Partition">Slurm partition (null: the cluster's default).</param>
/// <param name="Gpus">GPUs per run (<c>--gres=gpu:N</c>).</param>
/// <param name="Cpus">CPU cores per run (<c>--cpus-per-task</c>) and torch threads of each run, on either executor.</param>
/// <param name="Memory">Memory per run in Slurm's notation (<c>2G</c>, <c>500M</c>).</param>
/// <param name="Time">Time limit per run in Slurm's notation (<c>30</c> minutes, <c>02:00:00</c>, <c>1-00:00:00</c>).</param>
/// <param name="Sbatch">More <c>#SBATCH</c> options, verbatim (<c>--account=lab</c>, <c>--qos=short</c>).</param>
/// <param name="Setup">Shell lines the batch script runs first (<c>module load dotnet</c>).</param>
public sealed record SweepResources(string? Partition = null, int Gpus = 0, int? Cpus = null, string? Memory = null, string? Time = null,
                                    IReadOnlyList<string>? Sbatch = null, IReadOnlyList<string>? Setup = null);

/// <summary>
/// A sweep file read: the base options of <c>videolab train</c>, the axes (grid and random draws), the seeds,
/// what quick mode changes, and the resources of one run. <see cref="SweepPlanner"/> expands it into runs.
/// </summary>
/// <param name="Name">The sweep's name (Slurm job name, report title).</param>
/// <param name="Path">The file it was read from.</param>
/// <param name="Train">Options every run gets.</param>
/// <param name="Grid">Axes combined in full, in file order (the first varies slowest).</param>
/// <param name="Random">Random draws, or null.</param>
/// <param name="Seeds">Each configuration runs once per seed (<c>--seed</c>); empty: once, with train's seed.</param>
/// <param name="Quick">Options that replace or join <see cref="Train"/> in quick mode (CI, a first look).</param>
/// <param name="Resources">Per-run resources.</param>
public sealed record SweepDefinition(string Name, string Path, IReadOnlyList<OptionValue> Train, IReadOnlyList<GridAxis> Grid,
                                     RandomDraws? Random, IReadOnlyList<long> Seeds, IReadOnlyList<OptionValue> Quick, SweepResources Resources)
{
    /// <summary>The prefix of model config fields (<c>--set</c>).</summary>
    public const string ModelFieldPrefix = "set.";
    /// <summary>The prefix of training-method options (<c>--option</c>).</summary>
    public const string MethodOptionPrefix = "option.";

    /// <summary>The train option a key stands for: <c>set</c> for a model field, <c>option</c> for a method option, else the key.</summary>
    public static string OptionOf(string key) =>
        key.StartsWith(ModelFieldPrefix, StringComparison.Ordinal) ? "set"
        : key.StartsWith(MethodOptionPrefix, StringComparison.Ordinal) ? "option"
        : key;

    /// <summary>A key as <c>videolab train</c> arguments: <c>--lr 0.001</c>, <c>--set hiddenChannels=8</c>.</summary>
    public static string[] Arguments(string key, string value) => OptionOf(key) switch
    {
        "set" => ["--set", $"{key[ModelFieldPrefix.Length..]}={value}"],
        "option" => ["--option", $"{key[MethodOptionPrefix.Length..]}={value}"],
        _ => [$"--{key}", value],
    };

    /// <summary>A key as it appears in run names: the field or option name without its prefix.</summary>
    public static string ShortName(string key) => OptionOf(key) switch
    {
        "set" => key[ModelFieldPrefix.Length..],
        "option" => key[MethodOptionPrefix.Length..],
        _ => key,
    };
}
