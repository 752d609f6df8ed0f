using System.Text.Json.Nodes;
using VideoLab.Runtime;

namespace VideoLab.Tutorials;

/// <summary>
/// The numbers a notebook checks its claims with (model against baselines, generator statistics), appended as one
/// JSON line each to <c>runs/&lt;mode&gt;/results.jsonl</c>, beside the runs. The notebook benchmark
/// (<c>bench/notebooks/run</c>) collects them; a learner can ignore the file.
/// </summary>
public static class TutorialResults
{
    /// <summary>The results file of the current mode.</summary>
    public static string FilePath => Path.Combine(TutorialPaths.ModeRoot, "results.jsonl");

    /// <summary>Appends <c>{"name": …, "mode": …, "time": …, "values": …}</c> to <see cref="FilePath"/>.</summary>
    public static void Record(string name, JsonObject values)
    {
        var line = new JsonObject
        {
            ["name"] = name,
            ["mode"] = Lab.Mode.ToString().ToLowerInvariant(),
            ["time"] = DateTime.UtcNow.ToString("o"),
            ["values"] = values,
        };
        Directory.CreateDirectory(TutorialPaths.ModeRoot);
        File.AppendAllText(FilePath, line.ToJsonString() + "\n");
    }

    /// <summary>Every line of <see cref="FilePath"/>, oldest first (none when there is no file).</summary>
    public static IReadOnlyList<JsonObject> Read() =>
        File.Exists(FilePath)
            ? [.. File.ReadAllLines(FilePath).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => JsonNode.Parse(l)!.AsObject())]
            : [];
}
