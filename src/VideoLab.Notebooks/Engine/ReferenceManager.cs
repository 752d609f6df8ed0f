using System.Reflection;
using Microsoft.CodeAnalysis;
using VideoLab.Notebooks.Packages;

namespace VideoLab.Notebooks.Engine;

/// <summary>
/// Carries out a notebook's <c>#i</c> and <c>#r</c> directives: adds package sources, restores the
/// packages asked for so far (together, so their versions agree), resolves a referenced dll's
/// dependencies from its <c>.deps.json</c>, and loads what they resolve to.
/// </summary>
sealed class ReferenceManager(string baseDirectory, string cacheRoot, string? packagesFolder)
{
    readonly NuGetRestorer _restorer = new(cacheRoot, configRoot: baseDirectory)
    {
        Environment = packagesFolder is null ? new Dictionary<string, string>() : new() { ["NUGET_PACKAGES"] = packagesFolder },
    };
    readonly List<PackageRequest> _packages = [];
    readonly List<string> _sources = [];

    /// <summary>What the directives added: assemblies (loaded), other metadata references, and lines to tell the user.</summary>
    public sealed record Added(IReadOnlyList<Assembly> Assemblies, IReadOnlyList<MetadataReference> Files, IReadOnlyList<string> Notes);

    /// <exception cref="DirectiveException">A referenced file is missing or a package cannot be restored.</exception>
    public async Task<Added> ApplyAsync(IReadOnlyList<Directive> directives, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        var assets = ResolvedAssets.Empty;

        foreach (var source in directives.OfType<SourceDirective>())
        {
            var value = Uri.TryCreate(source.Source, UriKind.Absolute, out var uri) && !uri.IsFile
                ? source.Source
                : Path.GetFullPath(Path.Combine(baseDirectory, source.Source));
            if (!_sources.Contains(value)) _sources.Add(value);
        }

        var packages = directives.OfType<PackageDirective>().ToList();
        if (packages.Count > 0)
        {
            // Everything asked for so far is restored together; a set that fails is not kept.
            var wanted = new List<PackageRequest>(_packages);
            foreach (var package in packages)
            {
                wanted.RemoveAll(p => p.Name.Equals(package.Name, StringComparison.OrdinalIgnoreCase));
                wanted.Add(new PackageRequest(package.Name, package.Version));
            }
            RestoreResult restored;
            try
            {
                restored = await _restorer.RestoreAsync(wanted, _sources, cancellationToken);
            }
            catch (PackageRestoreException e)
            {
                throw new DirectiveException(packages[0].Line, e.Message);
            }
            _packages.Clear();
            _packages.AddRange(wanted);
            assets = assets.Concat(restored.Assets);
            var installed = packages.Select(p => restored.Packages.FirstOrDefault(r => r.Name.Equals(p.Name, StringComparison.OrdinalIgnoreCase)))
                                    .OfType<RestoredPackage>().Select(r => $"{r.Name}, {r.Version}");
            notes.Add("Installed packages: " + string.Join("; ", installed) + (restored.Note is { } note ? $" ({note})" : ""));
        }

        foreach (var reference in directives.OfType<AssemblyDirective>())
        {
            var path = Path.GetFullPath(Path.Combine(baseDirectory, reference.Path));
            if (!File.Exists(path))
                throw new DirectiveException(reference.Line,
                    $"#r \"{reference.Path}\": no such file ({path}). Paths are relative to the notebook's folder; build the project first if it is a build output.");
            assets = assets.Concat(DepsJson.Resolve(path));
        }

        if (assets.NativeLibraries.Count > 0)
            NativeLibraries.Stage(assets.NativeLibraries, cacheRoot);
        var (loaded, failed) = AssemblyReferences.Load(assets.Assemblies, notes);
        return new Added(loaded, [.. failed.Select(f => MetadataReference.CreateFromFile(f))], notes);
    }
}
