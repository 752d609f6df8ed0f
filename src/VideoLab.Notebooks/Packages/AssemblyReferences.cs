using System.Reflection;
using System.Runtime.Loader;

namespace VideoLab.Notebooks.Packages;

/// <summary>
/// Loads a notebook's referenced assemblies into the default load context, so that the types a cell
/// uses are the same as the host's (the kernel's formatters recognise a VideoLab chart or a TorchSharp
/// tensor from a notebook). An assembly the host already ships (VideoLab, TorchSharp and Plotly.NET in
/// the kernel) is taken from the host: one process cannot hold two assemblies of the same name in one context.
/// Assemblies loaded later by name (dependencies not referenced directly) are found through the paths recorded here.
/// </summary>
static class AssemblyReferences
{
    static readonly Lock Gate = new();
    static readonly Dictionary<string, string> PathsByName = new(StringComparer.OrdinalIgnoreCase);
    static bool _hooked;

    static readonly Lazy<HashSet<string>> HostAssemblies = new(() =>
        ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase));

    /// <summary>Loads each file (or the host's assembly of that name). Returns the loaded assemblies and the files that could not be loaded.</summary>
    public static (IReadOnlyList<Assembly> Loaded, IReadOnlyList<string> Failed) Load(IEnumerable<string> files, ICollection<string> notes)
    {
        var loaded = new List<Assembly>();
        var failed = new List<string>();
        lock (Gate)
        {
            if (!_hooked)
            {
                AssemblyLoadContext.Default.Resolving += Resolve;
                _hooked = true;
            }
            foreach (var file in files)
            {
                var name = Path.GetFileNameWithoutExtension(file);
                PathsByName.TryAdd(name, file);
            }
            foreach (var file in files)
            {
                try
                {
                    loaded.Add(LoadOne(file, notes));
                }
                catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
                {
                    failed.Add(file);
                }
            }
        }
        return (loaded, failed);
    }

    static Assembly LoadOne(string file, ICollection<string> notes)
    {
        var wanted = AssemblyName.GetAssemblyName(file);
        var existing = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a =>
            string.Equals(a.GetName().Name, wanted.Name, StringComparison.OrdinalIgnoreCase));
        if (existing is null && HostAssemblies.Value.Contains(wanted.Name!))
            existing = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(wanted.Name!));
        if (existing is null)
            return AssemblyLoadContext.Default.LoadFromAssemblyPath(file);
        if (existing.GetName().Version < wanted.Version)
            notes.Add($"{wanted.Name} {wanted.Version} was asked for, but this kernel already has {existing.GetName().Version} loaded; using that.");
        else if (existing.Location != file && existing.ManifestModule.ModuleVersionId != ModuleVersionId(file))
            notes.Add($"{file} is a different build from the {wanted.Name} this kernel runs ({existing.Location}); using the kernel's. " +
                      "Rebuild both (dotnet build) and restart the kernel to use the new one.");
        return existing;
    }

    static Guid ModuleVersionId(string file)
    {
        using var reader = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(file));
        var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(reader);
        return metadata.GetGuid(metadata.GetModuleDefinition().Mvid);
    }

    static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        string? path;
        lock (Gate) PathsByName.TryGetValue(name.Name ?? "", out path);
        return path is not null && File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
    }
}
