using System.Globalization;
using System.Text;

namespace VideoLab.Sweeps;

/// <summary>
/// Expands a <see cref="SweepDefinition"/> into its runs: the grid's full product (first axis slowest), each point
/// combined with every random draw, each configuration once per seed. Every key must be an option of
/// <c>videolab train</c>, and every run's arguments must be accepted by train itself (<see cref="ITrainArguments"/>),
/// before anything runs.
/// </summary>
public static class SweepPlanner
{
    /// <summary>Options the sweep sets itself.</summary>
    static readonly string[] Reserved = ["out", "resume"];

    public static SweepPlan Expand(SweepDefinition sweep, bool quick, ITrainArguments train)
    {
        var where = sweep.Path;
        var axes = sweep.Grid.Select(a => (a.Key, a.Line)).Concat(sweep.Random?.Axes.Select(a => (a.Key, a.Line)) ?? []).ToList();
        foreach (var (key, line) in sweep.Train.Concat(sweep.Quick).Select(o => (o.Key, o.Line)).Concat(axes))
            CheckKey(key, line, where, train);

        foreach (var repeated in sweep.Train.GroupBy(o => o.Key).Where(g => g.Count() > 1 && !train.IsRepeatable(SweepDefinition.OptionOf(g.Key))))
            throw new SweepException($"{where}:{repeated.First().Line}: train option '{repeated.Key}' takes one value; to try several, make it a grid axis.");

        // Each key in one place only: a base option, a grid axis, a random axis, or the seeds.
        var seen = new Dictionary<string, string>();
        void Claim(string key, int line, string what)
        {
            if (seen.TryGetValue(key, out var before))
                throw new SweepException($"{where}:{line}: '{key}' is {what} and also {before}: give it in one place.");
            seen[key] = $"{what} (line {line})";
        }
        foreach (var option in sweep.Train.Where(o => !train.IsRepeatable(SweepDefinition.OptionOf(o.Key)) || o.Key.Contains('.')))
            Claim(option.Key, option.Line, "a train option");
        foreach (var axis in sweep.Grid) Claim(axis.Key, axis.Line, "a grid axis");
        foreach (var axis in sweep.Random?.Axes ?? []) Claim(axis.Key, axis.Line, "a random axis");
        if (sweep.Seeds.Count > 0 && seen.TryGetValue("seed", out var seedPlace))
            throw new SweepException($"{where}: 'seed' is {seedPlace} and the sweep also has seeds: give seeds in one place.");
        foreach (var option in sweep.Quick)
            if (axes.Any(a => a.Key == option.Key))
                throw new SweepException($"{where}:{option.Line}: quick sets '{option.Key}', which is an axis; quick may only change train options.");

        var baseOptions = quick ? Merge(sweep.Train, sweep.Quick) : sweep.Train.ToList();
        var points = Configurations(sweep);
        var seeds = sweep.Seeds.Count > 0 ? sweep.Seeds.Select(s => (long?)s).ToList() : [null];
        var runs = new List<PlannedRun>();
        foreach (var point in points)
            foreach (var seed in seeds)
            {
                var args = baseOptions.SelectMany(o => SweepDefinition.Arguments(o.Key, o.Value))
                    .Concat(point.SelectMany(a => SweepDefinition.Arguments(a.Key, a.Value)))
                    .Concat(seed is long s ? ["--seed", s.ToString(CultureInfo.InvariantCulture)] : [])
                    .ToList();
                var configuration = ConfigurationName(point, sweep.Name);
                var name = seed is long sd ? (point.Count == 0 ? $"seed={sd}" : $"{configuration}_seed={sd}") : configuration;
                runs.Add(new PlannedRun(runs.Count, name, configuration, point.ToDictionary(a => a.Key, a => a.Value), seed, args));
            }

        var clash = runs.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new SweepException($"{where}: {clash.Count()} runs would share the name {clash.Key} (random draws that round to the same value?): " +
                                     "draw fewer values or widen the range.");
        foreach (var run in runs)
            if (train.Refusal(run.Arguments) is { } refusal)
                throw new SweepException($"{where}: run {run.Name}: `videolab train` would refuse it: {refusal}");
        return new SweepPlan(sweep.Name, quick, sweep.Resources, axes.Select(a => a.Key).ToList(), runs);
    }

    static void CheckKey(string key, int line, string where, ITrainArguments train)
    {
        var option = SweepDefinition.OptionOf(key);
        if (Reserved.Contains(option))
            throw new SweepException($"{where}:{line}: '{key}' is set by the sweep itself (each run gets its own directory under the sweep directory, and is resumed by the sweep): remove it.");
        if (!train.Options.Contains(option))
            throw new SweepException($"{where}:{line}: '{key}' is not an option of `videolab train`. Its options: {string.Join(", ", train.Options.Where(o => !Reserved.Contains(o)))} " +
                                     "(model config fields go under set:, training-method options under option:).");
        if ((option is "set" or "option") && !key.Contains('.'))
            throw new SweepException($"{where}:{line}: '{key}' takes name: value pairs, e.g. {key}: {{hiddenChannels: 8}}.");
    }

    /// <summary>Quick-mode options replace the base option of the same key, or join the list.</summary>
    static List<OptionValue> Merge(IReadOnlyList<OptionValue> train, IReadOnlyList<OptionValue> quick)
    {
        var merged = train.Where(o => quick.All(q => q.Key != o.Key)).ToList();
        merged.AddRange(quick);
        return merged;
    }

    /// <summary>Every grid point combined with every random draw; each is a list of (axis, value) in axis order.</summary>
    static List<List<(string Key, string Value)>> Configurations(SweepDefinition sweep)
    {
        var points = new List<List<(string Key, string Value)>> { new() };
        foreach (var axis in sweep.Grid)
            points = points.SelectMany(p => axis.Values.Select(v => new List<(string, string)>(p) { (axis.Key, v) })).ToList();
        if (sweep.Random is not { } random) return points;
        var generator = new Random(random.Seed);
        var draws = Enumerable.Range(0, random.Count).Select(_ => random.Axes.Select(a => (a.Key, a.Distribution.Draw(generator))).ToList()).ToList();
        return points.SelectMany(p => draws.Select(d => p.Concat(d).ToList())).ToList();
    }

    static string ConfigurationName(List<(string Key, string Value)> point, string sweepName) =>
        point.Count == 0 ? sweepName : string.Join("_", point.Select(a => $"{Clean(SweepDefinition.ShortName(a.Key))}={Clean(a.Value)}"));

    /// <summary>Letters, digits, '.', '+' and '-' stay; anything else (a '/' in a path, spaces) becomes '-', so a name is one safe folder name.</summary>
    static string Clean(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (var c in text) b.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-' ? c : '-');
        return b.ToString();
    }
}
