namespace VideoLab.Notebooks.Tests;

/// <summary>Where the repository and its build outputs are, seen from the test binaries.</summary>
static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>The library as notebooks reference it: src/VideoLab/bin/&lt;configuration&gt;/net10.0/VideoLab.dll.</summary>
    public static string LibraryDll => Path.Combine(RepositoryRoot, "src", "VideoLab", "bin", Configuration, "net10.0", "VideoLab.dll");

    /// <summary>The CLI (the kernel's entry point) as built with the tests.</summary>
    public static string CliDll => Path.Combine(RepositoryRoot, "src", "VideoLab.Cli", "bin", Configuration, "net10.0", "VideoLab.Cli.dll");

    /// <summary>A fresh temporary folder.</summary>
    public static string TempFolder(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"videolab-nb-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VideoLab.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"No VideoLab.slnx above {AppContext.BaseDirectory}.");
    }
}
