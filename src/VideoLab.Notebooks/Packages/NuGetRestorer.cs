using System.Diagnostics;
using System.Security.Cryptography;
using System.Security;
using System.Text;
using System.Text.Json.Nodes;

namespace VideoLab.Notebooks.Packages;

/// <summary>A package a notebook asks for; no version means the latest stable one.</summary>
public sealed record PackageRequest(string Name, string? Version)
{
    public override string ToString() => Version is null ? Name : $"{Name} {Version}";
}

/// <summary>A package the restore chose (the requested ones and their dependencies).</summary>
public sealed record RestoredPackage(string Name, string Version);

/// <summary>What a restore produced: the packages and their runtime files for this machine.</summary>
public sealed record RestoreResult(IReadOnlyList<RestoredPackage> Packages, ResolvedAssets Assets);

/// <summary>
/// Resolves <c>#r "nuget: …"</c> the way dotnet-interactive does: a generated project referencing the
/// packages is restored by the real <c>dotnet restore</c>, and the runtime files are read from its
/// <c>project.assets.json</c> (transitive dependencies, RID-specific and native assets included).
/// </summary>
/// <remarks>
/// One folder per set of packages and sources under <c>&lt;cache&gt;/restore/&lt;hash&gt;</c>; a set restored
/// before is read back without running dotnet. Files stay in NuGet's global packages folder, which is
/// only read.
/// </remarks>
public sealed class NuGetRestorer(string cacheRoot)
{
    /// <summary>How long one restore may take (downloads included).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    const string TargetFramework = "net10.0";

    public string CacheRoot { get; } = cacheRoot;

    /// <summary>The default cache: <c>VIDEOLAB_NOTEBOOK_CACHE</c>, else <c>$XDG_CACHE_HOME/videolab/notebooks</c>, else <c>~/.cache/videolab/notebooks</c>.</summary>
    public static string DefaultCacheRoot()
    {
        if (Environment.GetEnvironmentVariable("VIDEOLAB_NOTEBOOK_CACHE") is { Length: > 0 } own) return own;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(root, "videolab", "notebooks");
    }

    /// <exception cref="PackageRestoreException">dotnet restore failed; the message carries its errors.</exception>
    public async Task<RestoreResult> RestoreAsync(IReadOnlyList<PackageRequest> packages, IReadOnlyList<string> sources,
                                                  CancellationToken cancellationToken = default)
    {
        var key = Hash(string.Join("\n", packages.Select(p => $"{p.Name.ToLowerInvariant()}/{p.Version}").Order()
                                         .Concat(sources.Select(s => "source " + s)).Append(TargetFramework)));
        var folder = Path.Combine(CacheRoot, "restore", key);
        var assetsFile = Path.Combine(folder, "obj", "project.assets.json");
        var done = Path.Combine(folder, "restored");
        if (!File.Exists(done) || !File.Exists(assetsFile))
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "restore.csproj"), ProjectXml(packages), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(folder, "nuget.config"), NuGetConfig(sources), cancellationToken);
            await RunRestoreAsync(folder, packages, cancellationToken);
            await File.WriteAllTextAsync(done, DateTime.UtcNow.ToString("o"), cancellationToken);
        }
        return ReadAssets(assetsFile);
    }

    /// <summary>The packages and runtime files of a <c>project.assets.json</c>.</summary>
    internal static RestoreResult ReadAssets(string assetsFile)
    {
        var root = JsonNode.Parse(File.ReadAllText(assetsFile))!.AsObject();
        var packageFolders = root["packageFolders"]?.AsObject().Select(p => p.Key).ToList() ?? [];
        var target = root["targets"]!.AsObject().First().Value!.AsObject();
        var libraries = root["libraries"]!.AsObject();
        var restored = new List<RestoredPackage>();
        var assets = ResolvedAssets.Empty;
        foreach (var (id, entry) in target)
        {
            if ((string?)entry?["type"] != "package") continue;
            var slash = id.IndexOf('/');
            restored.Add(new RestoredPackage(id[..slash], id[(slash + 1)..]));
            var relative = (string)libraries[id]!["path"]!;
            var packageDir = packageFolders.Select(f => Path.Combine(f, relative)).FirstOrDefault(Directory.Exists)
                             ?? Path.Combine(RuntimeAssets.GlobalPackagesFolder, relative);
            assets = assets.Concat(RuntimeAssets.Select(entry!.AsObject(), packageDir));
        }
        return new RestoreResult(restored, assets);
    }

    static async Task RunRestoreAsync(string folder, IReadOnlyList<PackageRequest> packages, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotNetHost.Path, ["restore", "restore.csproj", "--nologo", "-v", "q", "--configfile", "nuget.config"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start) ?? throw new PackageRestoreException("Could not start `dotnet restore`.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested) throw;
            throw new PackageRestoreException($"Restoring {string.Join(", ", packages)} took longer than {Timeout.TotalMinutes} minutes.");
        }
        if (process.ExitCode != 0)
        {
            var errors = ((await stdout) + "\n" + (await stderr)).Split('\n')
                .Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Select(l => l.Trim()).Distinct().Take(10);
            throw new PackageRestoreException(
                $"Could not restore {string.Join(", ", packages)} (dotnet restore exited with {process.ExitCode}):\n  " +
                string.Join("\n  ", errors) + "\nCheck the package name and version, and the sources given with #i.");
        }
    }

    static string ProjectXml(IReadOnlyList<PackageRequest> packages)
    {
        // The cache may lie under a repository: keep its Directory.Build/Packages props out.
        var references = string.Join("\n", packages.Select(p =>
            $"    <PackageReference Include=\"{SecurityElement.Escape(p.Name)}\" Version=\"{SecurityElement.Escape(p.Version ?? "*")}\" />"));
        return $"""
            <Project>
              <PropertyGroup>
                <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
                <ImportDirectoryBuildTargets>false</ImportDirectoryBuildTargets>
                <ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps>
              </PropertyGroup>
              <Import Project="Sdk.props" Sdk="Microsoft.NET.Sdk" />
              <PropertyGroup>
                <TargetFramework>{TargetFramework}</TargetFramework>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <EnableDefaultItems>false</EnableDefaultItems>
              </PropertyGroup>
              <ItemGroup>
            {references}
              </ItemGroup>
              <Import Project="Sdk.targets" Sdk="Microsoft.NET.Sdk" />
            </Project>
            """;
    }

    static string NuGetConfig(IReadOnlyList<string> sources)
    {
        var adds = string.Join("\n", sources.Select((s, i) =>
            $"    <add key=\"notebook-source-{i}\" value=\"{SecurityElement.Escape(s)}\" />"));
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
            {adds}
              </packageSources>
            </configuration>
            """;
    }

    static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}

/// <summary>A <c>#r "nuget: …"</c> could not be restored.</summary>
public sealed class PackageRestoreException(string message) : Exception(message);

/// <summary>The <c>dotnet</c> executable running this process, or the one on PATH.</summary>
static class DotNetHost
{
    public static string Path
    {
        get
        {
            if (Environment.ProcessPath is { } self && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
            if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host) return host;
            return "dotnet";
        }
    }
}
