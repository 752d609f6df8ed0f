using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VideoLab.Sweeps;

/// <summary>
/// Reads a sweep file (YAML, or JSON, which YAML includes) with YamlDotNet's representation model, so every
/// mistake is reported with its line. The layout (README, "Sweeps"):
/// <code>
/// name: tiny-predictors
/// train: {data: shapes, size: tiny, steps: 300, set: {hiddenChannels: 8}}   # every run
/// grid: {model: [convlstm, convgru], lr: [0.001, 0.003]}                     # every combination
/// random: {draws: 4, seed: 0, axes: {weight-decay: {log-uniform: [1e-5, 1e-3]}}}
/// seeds: [1, 2]
/// quick: {steps: 40}                                                          # --quick / VIDEOLAB_QUICK=1
/// resources: {cpus: 1, memory: 2G, time: "00:20:00", gpus: 0, partition: gpu}
/// </code>
/// Whether an option exists in <c>videolab train</c> is checked later, by <see cref="SweepPlanner"/>, against train itself.
/// </summary>
public static partial class SweepFile
{
    static readonly string[] Sections = ["name", "train", "grid", "random", "seeds", "quick", "resources"];
    static readonly string[] Distributions = ["uniform", "log-uniform", "int-uniform", "choice"];
    static readonly string[] ResourceKeys = ["partition", "gpus", "cpus", "memory", "time", "sbatch", "setup"];

    public static SweepDefinition Load(string path)
    {
        if (!File.Exists(path)) throw new SweepException($"No sweep file at {path}. The README's \"Sweeps\" section shows one; examples/sweeps/tiny.yaml is a start.");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses the text of a sweep file; <paramref name="path"/> names it in messages.</summary>
    public static SweepDefinition Parse(string text, string path)
    {
        var reader = new Reader(path);
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e) { throw new SweepException($"{path}:{e.Start.Line}: not valid YAML: {e.Message}"); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new SweepException($"{path}: a sweep file is a mapping with the sections {string.Join(", ", Sections)}.");

        foreach (var (key, _) in root.Children)
            if (!Sections.Contains(reader.Scalar(key)))
                throw reader.Error(key, $"unknown section '{reader.Scalar(key)}'; a sweep file has: {string.Join(", ", Sections)}.");

        var name = reader.Child(root, "name") is { } n ? reader.Scalar(n) : System.IO.Path.GetFileNameWithoutExtension(path);
        if (!NamePattern().IsMatch(name))
            throw new SweepException($"{path}: the sweep name '{name}' must be letters, digits, '.', '_' or '-' (it names the Slurm job and the report).");
        var train = reader.Child(root, "train") is { } t ? reader.Options(t, "train") : [];
        var quick = reader.Child(root, "quick") is { } q ? reader.Options(q, "quick") : [];
        var grid = reader.Child(root, "grid") is { } g ? reader.Grid(g) : [];
        var random = reader.Child(root, "random") is { } r ? reader.Random(r) : null;
        var seeds = reader.Child(root, "seeds") is { } s ? reader.Seeds(s) : [];
        var resources = reader.Child(root, "resources") is { } res ? reader.Resources(res) : new SweepResources();
        return new SweepDefinition(name, path, train, grid, random, seeds, quick, resources);
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[0-9]+[KMGT]?$")]
    private static partial Regex MemoryPattern();

    /// <summary>Walks the YAML nodes, turning each mistake into a <see cref="SweepException"/> with the file and line.</summary>
    sealed class Reader(string path)
    {
        public SweepException Error(YamlNode node, string message) => new($"{path}:{node.Start.Line}: {message}");

        public YamlNode? Child(YamlMappingNode map, string key) =>
            map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value;

        public string Scalar(YamlNode node) => node is YamlScalarNode { Value: { } v }
            ? v
            : throw Error(node, "expected a single value here, not a list or mapping.");

        YamlMappingNode Mapping(YamlNode node, string what) => node as YamlMappingNode
            ?? throw Error(node, $"{what} must be a mapping (name: value, one per line).");

        YamlSequenceNode Sequence(YamlNode node, string what) => node as YamlSequenceNode
            ?? throw Error(node, $"{what} must be a list of values, e.g. [0.001, 0.003].");

        static bool IsNull(YamlNode node) => node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" };

        int Line(YamlNode node) => checked((int)node.Start.Line);

        /// <summary>train: / quick: options; <c>set:</c> and <c>option:</c> hold name: value pairs; a list repeats an option.</summary>
        public List<OptionValue> Options(YamlNode node, string section)
        {
            var options = new List<OptionValue>();
            foreach (var (keyNode, value) in Mapping(node, section).Children)
            {
                var key = Scalar(keyNode);
                if (IsNull(value)) throw Error(value, $"{section}: '{key}' has no value.");
                if (value is YamlMappingNode fields && key is "set" or "option")
                {
                    foreach (var (fieldNode, fieldValue) in fields.Children)
                        options.Add(new OptionValue($"{key}.{Scalar(fieldNode)}", Scalar(fieldValue), Line(fieldNode)));
                }
                else if (value is YamlSequenceNode list)
                {
                    if (list.Children.Count == 0) throw Error(value, $"{section}: '{key}' has an empty list.");
                    options.AddRange(list.Children.Select(v => new OptionValue(key, Scalar(v), Line(v))));
                }
                else options.Add(new OptionValue(key, Scalar(value), Line(keyNode)));
            }
            return options;
        }

        /// <summary>grid: every key holds a non-empty list; <c>set:</c> and <c>option:</c> hold such keys one level down.</summary>
        public List<GridAxis> Grid(YamlNode node)
        {
            var axes = new List<GridAxis>();
            foreach (var (keyNode, value) in Mapping(node, "grid").Children)
            {
                var key = Scalar(keyNode);
                if (value is YamlMappingNode fields && key is "set" or "option")
                    foreach (var (fieldNode, fieldValues) in fields.Children)
                        axes.Add(Axis($"{key}.{Scalar(fieldNode)}", fieldNode, fieldValues));
                else axes.Add(Axis(key, keyNode, value));
            }
            return axes;
        }

        GridAxis Axis(string key, YamlNode keyNode, YamlNode value)
        {
            if (IsNull(value) || value is YamlSequenceNode { Children.Count: 0 })
                throw Error(keyNode, $"grid axis '{key}' has no values: give it at least one, e.g. {key}: [a, b], or remove it.");
            var values = Sequence(value, $"grid axis '{key}'").Children.Select(Scalar).ToList();
            var repeated = values.GroupBy(v => v).FirstOrDefault(gr => gr.Count() > 1);
            if (repeated is not null) throw Error(keyNode, $"grid axis '{key}' lists '{repeated.Key}' twice.");
            return new GridAxis(key, values, Line(keyNode));
        }

        /// <summary>random: {draws: N, seed: S, axes: {key: {uniform|log-uniform|int-uniform: [low, high]} or {choice: [..]}}}.</summary>
        public RandomDraws Random(YamlNode node)
        {
            var map = Mapping(node, "random");
            foreach (var (k, _) in map.Children)
                if (Scalar(k) is not ("draws" or "seed" or "axes")) throw Error(k, $"random: unknown key '{Scalar(k)}'; it has draws, seed and axes.");
            int draws = Child(map, "draws") is { } d ? PositiveInt(d, "random: draws") : throw Error(node, "random: say how many draws, e.g. draws: 4.");
            int seed = Child(map, "seed") is { } s ? Int(s, "random: seed") : 0;
            var axesNode = Child(map, "axes") ?? throw Error(node, "random: give the axes to draw, e.g. axes: {lr: {log-uniform: [1e-4, 1e-2]}}.");
            var axes = new List<RandomAxis>();
            foreach (var (keyNode, spec) in Mapping(axesNode, "random: axes").Children)
            {
                var key = Scalar(keyNode);
                var specMap = spec as YamlMappingNode;
                if (specMap is null || specMap.Children.Count != 1)
                    throw Error(keyNode, $"random axis '{key}' takes one distribution: {string.Join(", ", Distributions.Select(x => $"{{{x}: [..]}}"))}.");
                var (kindNode, argsNode) = specMap.Children.Single();
                var kind = Scalar(kindNode);
                var args = Sequence(argsNode, $"random axis '{key}'").Children.Select(Scalar).ToList();
                axes.Add(new RandomAxis(key, Distribution(kind, args, keyNode, key), Line(keyNode)));
            }
            if (axes.Count == 0) throw Error(axesNode, "random: axes is empty: give at least one axis, or remove random.");
            return new RandomDraws(draws, seed, axes);
        }

        Distribution Distribution(string kind, List<string> args, YamlNode at, string key)
        {
            if (kind == "choice")
                return args.Count > 0 ? new Choice(args) : throw Error(at, $"random axis '{key}': choice has no values.");
            if (!Distributions.Contains(kind))
                throw Error(at, $"random axis '{key}': unknown distribution '{kind}'; use one of {string.Join(", ", Distributions)}.");
            if (args.Count != 2) throw Error(at, $"random axis '{key}': {kind} takes [low, high], got {args.Count} values.");
            if (kind == "int-uniform")
            {
                long lo = Long(args[0], at, key), hi = Long(args[1], at, key);
                return lo <= hi ? new IntUniform(lo, hi) : throw Error(at, $"random axis '{key}': low {lo} is above high {hi}.");
            }
            double low = Double(args[0], at, key), high = Double(args[1], at, key);
            if (!(low < high)) throw Error(at, $"random axis '{key}': low {args[0]} must be below high {args[1]}.");
            if (kind == "log-uniform" && low <= 0) throw Error(at, $"random axis '{key}': log-uniform needs positive bounds, got {args[0]}.");
            return kind == "uniform" ? new Uniform(low, high) : new LogUniform(low, high);
        }

        public List<long> Seeds(YamlNode node)
        {
            if (node is YamlSequenceNode { Children.Count: 0 } || IsNull(node))
                throw Error(node, "seeds is empty: give at least one seed, e.g. seeds: [1, 2, 3], or remove it.");
            var seeds = Sequence(node, "seeds").Children.Select(v => long.TryParse(Scalar(v), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
                ? s : throw Error(v, $"seeds: '{Scalar(v)}' is not an integer.")).ToList();
            if (seeds.Distinct().Count() != seeds.Count) throw Error(node, "seeds lists a seed twice.");
            return seeds;
        }

        public SweepResources Resources(YamlNode node)
        {
            var map = Mapping(node, "resources");
            foreach (var (k, _) in map.Children)
                if (!ResourceKeys.Contains(Scalar(k))) throw Error(k, $"resources: unknown key '{Scalar(k)}'; it has {string.Join(", ", ResourceKeys)}.");
            string? Text(string key) => Child(map, key) is { } v && !IsNull(v) ? Scalar(v) : null;
            var memory = Text("memory");
            if (memory is not null && !MemoryPattern().IsMatch(memory))
                throw Error(Child(map, "memory")!, $"resources: memory '{memory}' is not Slurm's notation (a number with K, M, G or T, e.g. 2G).");
            var time = Text("time");
            if (time is not null && SlurmTime.Seconds(time) is null)
                throw Error(Child(map, "time")!, $"resources: time '{time}' is not Slurm's notation (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS).");
            List<string> Lines(string key) => Child(map, key) is { } v ? Sequence(v, $"resources: {key}").Children.Select(Scalar).ToList() : [];
            return new SweepResources(
                Partition: Text("partition"),
                Gpus: Child(map, "gpus") is { } gp ? NonNegativeInt(gp, "resources: gpus") : 0,
                Cpus: Child(map, "cpus") is { } c ? PositiveInt(c, "resources: cpus") : null,
                Memory: memory, Time: time, Sbatch: Lines("sbatch"), Setup: Lines("setup"));
        }

        int Int(YamlNode node, string what) =>
            int.TryParse(Scalar(node), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw Error(node, $"{what} must be an integer, got '{Scalar(node)}'.");

        int PositiveInt(YamlNode node, string what)
        {
            int v = Int(node, what);
            return v > 0 ? v : throw Error(node, $"{what} must be positive, got {v}.");
        }

        int NonNegativeInt(YamlNode node, string what)
        {
            int v = Int(node, what);
            return v >= 0 ? v : throw Error(node, $"{what} must be 0 or more, got {v}.");
        }

        long Long(string text, YamlNode at, string key) =>
            long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw Error(at, $"random axis '{key}': '{text}' is not an integer.");

        double Double(string text, YamlNode at, string key) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : throw Error(at, $"random axis '{key}': '{text}' is not a number.");
    }
}
