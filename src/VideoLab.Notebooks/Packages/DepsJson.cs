using System.Text.Json.Nodes;

namespace VideoLab.Notebooks.Packages;

/// <summary>
/// What a built assembly needs at run time, read from the <c>.deps.json</c> the build writes beside it:
/// a <c>#r "…/VideoLab.dll"</c> brings TorchSharp, Plotly.NET and their native libraries along.
/// Package files come from NuGet's global packages folder, or from the assembly's folder when copied there.
/// </summary>
public static class DepsJson
{
    /// <summary>The runtime files of <paramref name="assemblyPath"/> and of everything it depends on (the assembly itself first).</summary>
    public static ResolvedAssets Resolve(string assemblyPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(assemblyPath))!;
        var depsFile = Path.Combine(folder, Path.GetFileNameWithoutExtension(assemblyPath) + ".deps.json");
        var own = new ResolvedAssets([Path.GetFullPath(assemblyPath)], []);
        if (!File.Exists(depsFile)) return own;

        var root = JsonNode.Parse(File.ReadAllText(depsFile))!.AsObject();
        var targetName = (string?)root["runtimeTarget"]?["name"];
        var targets = root["targets"]!.AsObject();
        var target = (targetName is not null ? targets[targetName] : targets.FirstOrDefault().Value)?.AsObject();
        var libraries = root["libraries"]!.AsObject();
        if (target is null) return own;

        var assets = own;
        foreach (var (id, entry) in target)
        {
            if (entry is not JsonObject library || libraries[id] is not JsonObject info) continue;
            var type = (string?)info["type"];
            ResolvedAssets found;
            if (type == "package" && info["path"] is JsonNode path)
            {
                var packageDir = Path.Combine(RuntimeAssets.GlobalPackagesFolder, (string)path!);
                found = RuntimeAssets.Select(library, packageDir);
                // A self-contained or copied-local build has the files beside the assembly instead.
                found = new ResolvedAssets(
                    [.. found.Assemblies.Select(f => File.Exists(f) ? f : Path.Combine(folder, Path.GetFileName(f)))],
                    [.. found.NativeLibraries.Select(f => File.Exists(f) ? f : Path.Combine(folder, Path.GetFileName(f)))]);
            }
            else
            {
                // Projects (and the assembly itself) are built into the same folder.
                found = RuntimeAssets.Select(library, folder);
                found = new ResolvedAssets([.. found.Assemblies.Select(f => Path.Combine(folder, Path.GetFileName(f)))], found.NativeLibraries);
            }
            assets = assets.Concat(new ResolvedAssets([.. found.Assemblies.Where(File.Exists)], [.. found.NativeLibraries.Where(File.Exists)]));
        }
        return assets;
    }
}
