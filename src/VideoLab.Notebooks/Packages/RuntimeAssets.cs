using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace VideoLab.Notebooks.Packages;

/// <summary>The files a restore or a build resolved: managed assemblies to load and native libraries to make findable.</summary>
public sealed record ResolvedAssets(IReadOnlyList<string> Assemblies, IReadOnlyList<string> NativeLibraries)
{
    public static ResolvedAssets Empty { get; } = new([], []);

    public ResolvedAssets Concat(ResolvedAssets other) =>
        new([.. Assemblies, .. other.Assemblies.Except(Assemblies)], [.. NativeLibraries, .. other.NativeLibraries.Except(NativeLibraries)]);
}

/// <summary>
/// Picks a package's runtime files for this machine from an entry of <c>project.assets.json</c> or
/// <c>.deps.json</c> (both list <c>runtime</c>, <c>native</c> and RID-specific <c>runtimeTargets</c>).
/// </summary>
static class RuntimeAssets
{
    /// <summary>This machine's runtime identifiers, most specific first (linux-x64, linux, unix, any).</summary>
    public static IReadOnlyList<string> RidChain { get; } = BuildRidChain();

    /// <summary>The global packages folder (<c>NUGET_PACKAGES</c> or <c>~/.nuget/packages</c>).</summary>
    public static string GlobalPackagesFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Absolute paths of the assemblies and native libraries of one library entry, rooted at <paramref name="root"/>.</summary>
    public static ResolvedAssets Select(JsonObject entry, string root)
    {
        var assemblies = Files(entry["runtime"]).Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).ToList();
        var natives = Files(entry["native"]).ToList();
        if (entry["runtimeTargets"] is JsonObject targets)
        {
            var byRid = targets
                .Select(t => (Path: t.Key, Rid: (string?)t.Value?["rid"], Type: (string?)t.Value?["assetType"]))
                .Where(t => t.Rid is not null && !t.Path.EndsWith("/_._"))
                .ToList();
            string? Best(string type) => RidChain.FirstOrDefault(rid => byRid.Any(t => t.Type == type && t.Rid == rid));
            if (Best("runtime") is { } runtimeRid)
                assemblies = byRid.Where(t => t.Type == "runtime" && t.Rid == runtimeRid).Select(t => t.Path).ToList();
            if (Best("native") is { } nativeRid)
                natives.AddRange(byRid.Where(t => t.Type == "native" && t.Rid == nativeRid).Select(t => t.Path));
        }
        string Full(string relative) => Path.GetFullPath(Path.Combine(root, relative));
        return new ResolvedAssets([.. assemblies.Select(Full)], [.. natives.Select(Full)]);
    }

    static IEnumerable<string> Files(JsonNode? node) =>
        node is JsonObject files ? files.Select(f => f.Key).Where(p => !p.EndsWith("_._")) : [];

    static string[] BuildRidChain()
    {
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        return new[] { RuntimeInformation.RuntimeIdentifier, $"{os}-{arch}", os, os == "win" ? "win" : "unix", "any" }
            .Distinct().ToArray();
    }
}
