using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VideoLab.Notebooks.Packages;

/// <summary>
/// Why <c>dotnet restore</c> failed, in words a notebook user can act on: NuGet's own errors, the sources
/// that were tried (from the restore's <c>dgspec.json</c>, so exactly what NuGet used) and the configuration
/// files they came from, and one hint chosen by the error code — a missing id, a missing version and an
/// unreachable source call for different fixes, and only the first is about the package's name.
/// </summary>
/// <param name="Errors">NuGet's error lines, <c>NU1102: …</c>, without the project path.</param>
/// <param name="Sources">The sources the restore used, in NuGet's order.</param>
/// <param name="ConfigFiles">The NuGet.Config files those sources came from.</param>
/// <param name="Unreachable">Sources that could not be reached (NU1301).</param>
/// <param name="NotebookSources">The sources added by the notebook's <c>#i</c> lines.</param>
sealed partial record RestoreFailure(IReadOnlyList<string> Errors, IReadOnlyList<string> Sources, IReadOnlyList<string> ConfigFiles,
                                     IReadOnlyList<string> Unreachable, IReadOnlyList<string> NotebookSources)
{
    [GeneratedRegex(@"\berror (?<code>NU\d{4}): ?(?<text>.*)$")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"Unable to load the service index for source (?<source>\S+?)\.?$")]
    private static partial Regex UnreachableSource();

    /// <summary>NuGet's error codes (<c>NU1101</c>, …), each once.</summary>
    public IReadOnlyList<string> Codes => [.. Errors.Where(e => e.StartsWith("NU", StringComparison.Ordinal) && e.Length >= 6).Select(e => e[..6]).Distinct()];

    /// <summary>True when a source could not be reached (offline, a wrong address): the cache may still serve.</summary>
    public bool SourceUnreachable => Codes.Contains("NU1301");

    /// <summary>Reads the restore's output and its <c>dgspec.json</c> (absent if the restore stopped earlier).</summary>
    public static RestoreFailure Read(string output, string dgspecFile, IReadOnlyList<string> notebookSources)
    {
        var errors = new List<string>();
        var unreachable = new List<string>();
        foreach (var line in output.Split('\n'))
        {
            var match = ErrorLine().Match(line.TrimEnd());
            if (!match.Success) continue;
            var text = $"{match.Groups["code"].Value}: {match.Groups["text"].Value}";
            if (!errors.Contains(text)) errors.Add(text);
            if (UnreachableSource().Match(match.Groups["text"].Value) is { Success: true } source && !unreachable.Contains(source.Groups["source"].Value))
                unreachable.Add(source.Groups["source"].Value);
        }
        if (errors.Count == 0)
            errors.AddRange(output.Split('\n').Select(l => l.Trim()).Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().Take(10));

        IReadOnlyList<string> sources = [], configs = [];
        if (File.Exists(dgspecFile) && JsonNode.Parse(File.ReadAllText(dgspecFile))?["projects"] is JsonObject projects
            && projects.FirstOrDefault().Value?["restore"] is JsonObject restore)
        {
            sources = restore["sources"] is JsonObject s ? [.. s.Select(p => p.Key)] : [];
            configs = restore["configFilePaths"] is JsonArray c ? [.. c.Select(p => (string?)p).OfType<string>()] : [];
        }
        return new RestoreFailure(errors, sources, configs, unreachable, notebookSources);
    }

    /// <summary>The message for the notebook: what failed, NuGet's errors, the sources tried, and what to do.</summary>
    public string Describe(IReadOnlyList<PackageRequest> packages, int exitCode)
    {
        var text = new StringBuilder();
        text.Append($"Could not restore {string.Join(", ", packages)} (dotnet restore exited with {exitCode}):\n");
        foreach (var error in Errors.Take(12)) text.Append("  ").Append(error).Append('\n');
        var tried = Sources.Count == 0
            ? "none (no enabled package source in the NuGet configuration)"
            : string.Join(", ", Sources.Select(s => NotebookSources.Contains(s) ? s + " (#i)" : s));
        text.Append("Sources tried: ").Append(tried).Append('\n');
        if (ConfigFiles.Count > 0) text.Append("NuGet configuration: ").Append(string.Join(", ", ConfigFiles)).Append('\n');
        text.Append(Hint());
        return text.ToString();
    }

    string Hint()
    {
        var codes = Codes;
        if (codes.Contains("NU1301"))
            return "A package source could not be reached (offline, or a wrong address in the configuration above). " +
                   "Packages already in NuGet's cache still restore offline; otherwise check the network or the source.";
        if (codes.Contains("NU1101"))
            return "No source above has a package with that id: check the name, or add the source that has it with #i \"nuget: <feed URL or folder>\".";
        if (codes.Contains("NU1102") || codes.Contains("NU1103"))
            return "The package exists, but not in the version asked for (the versions found are listed above): " +
                   "ask for one of them, or add a source that has it with #i \"nuget: <feed URL or folder>\".";
        if (codes.Contains("NU1100") && Sources.Count == 0)
            return "No package source is configured: add one with #i \"nuget: <feed URL or folder>\" or `dotnet nuget add source`.";
        return "See NuGet's errors above; sources can be added with #i \"nuget: <feed URL or folder>\".";
    }
}
