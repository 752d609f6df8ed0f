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
/// <param name="Packages">The packages chosen, the requested ones and their dependencies.</param>
/// <param name="Assets">Their runtime files for this machine.</param>
/// <param name="Note">Something the user should know about how it was restored (offline from the cache), or null.</param>
public sealed record RestoreResult(IReadOnlyList<RestoredPackage> Packages, ResolvedAssets Assets, string? Note = null);

/// <summary>
/// Resolves <c>#r "nuget: …"</c> the way dotnet-interactive does: a generated project referencing the
/// packages is restored by the real <c>dotnet restore</c>, and the runtime files are read from its
/// <c>project.assets.json</c> (transitive dependencies, RID-specific and native assets included).
/// </summary>
/// <remarks>
/// <para>Sources are the user's own: the NuGet.Config chain that <c>dotnet restore</c> run in
/// <paramref name="configRoot"/> (the notebook's folder) would use — nearest nuget.config files, then the
/// user's <c>~/.nuget/NuGet/NuGet.Config</c>, nuget.org by default — plus the <c>#i</c> sources of the
/// notebook (<c>RestoreAdditionalProjectSources</c>, as dotnet-interactive passes them).</para>
/// <para>Offline: an exact version already in NuGet's global packages folder restores without a source;
/// when a source cannot be reached for anything else, the restore is tried once more with the global
/// packages folder itself as the only source, and the result says so.</para>
/// <para>One folder per set of packages and sources under <c>&lt;cache&gt;/restore/&lt;hash&gt;</c>; a set
/// restored before is read back without running dotnet. Files stay in NuGet's global packages folder.</para>
/// </remarks>
/// <param name="cacheRoot">Where the generated restore projects are kept.</param>
/// <param name="configRoot">The folder whose NuGet.Config chain applies; null: only the user's and machine's configuration.</param>
public sealed class NuGetRestorer(string cacheRoot, string? configRoot = null)
{
    /// <summary>How long one restore may take (downloads included).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    const string TargetFramework = "net10.0";

    public string CacheRoot { get; } = cacheRoot;

    /// <summary>Environment variables set for <c>dotnet restore</c> only (tests point <c>NUGET_PACKAGES</c> at an empty folder).</summary>
    internal IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The default cache: <c>VIDEOLAB_NOTEBOOK_CACHE</c>, else <c>$XDG_CACHE_HOME/videolab/notebooks</c>, else <c>~/.cache/videolab/notebooks</c>.</summary>
    public static string DefaultCacheRoot()
    {
        if (System.Environment.GetEnvironmentVariable("VIDEOLAB_NOTEBOOK_CACHE") is { Length: > 0 } own) return own;
        var xdg = System.Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg)
            ? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(root, "videolab", "notebooks");
    }

    /// <exception cref="PackageRestoreException">dotnet restore failed; the message says why, which sources were tried and what to do.</exception>
    public async Task<RestoreResult> RestoreAsync(IReadOnlyList<PackageRequest> packages, IReadOnlyList<string> sources,
                                                  CancellationToken cancellationToken = default)
    {
        var key = Hash(string.Join("\n", packages.Select(p => $"{p.Name.ToLowerInvariant()}/{p.Version}").Order()
                                         .Concat(sources.Select(s => "source " + s)).Append(TargetFramework)));
        var folder = Path.Combine(CacheRoot, "restore", key);
        var assetsFile = Path.Combine(folder, "obj", "project.assets.json");
        var done = Path.Combine(folder, "restored");
        if (File.Exists(done) && File.Exists(assetsFile))
            return ReadAssets(assetsFile);

        Directory.CreateDirectory(folder);
        foreach (var stale in new[] { "nuget.config", "NuGet.Config" }) File.Delete(Path.Combine(folder, stale)); // written by older versions: it hid the user's sources
        await File.WriteAllTextAsync(Path.Combine(folder, "restore.csproj"), ProjectXml(packages, sources, configRoot ?? folder), cancellationToken);
        var (exitCode, output) = await RunRestoreAsync(folder, packages, [], cancellationToken);
        if (exitCode != 0)
        {
            var failure = RestoreFailure.Read(output, Path.Combine(folder, "obj", "restore.csproj.nuget.dgspec.json"), sources);
            var cache = PackagesFolder();
            if (!failure.SourceUnreachable || !Directory.Exists(cache))
                throw new PackageRestoreException(failure.Describe(packages, exitCode));
            // Offline: what the global packages folder already holds is a source of its own (NuGet's folder layout).
            var (retryCode, _) = await RunRestoreAsync(folder, packages, [$"-p:RestoreSources={Escape(cache)}"], cancellationToken);
            if (retryCode != 0)
                throw new PackageRestoreException(failure.Describe(packages, exitCode));
            // Not marked as restored: next time the real sources are asked again.
            return ReadAssets(assetsFile) with
            {
                Note = $"offline: restored from the NuGet cache {cache} ({string.Join(", ", failure.Unreachable)} could not be reached)",
            };
        }
        await File.WriteAllTextAsync(done, DateTime.UtcNow.ToString("o"), cancellationToken);
        return ReadAssets(assetsFile);
    }

    /// <summary>The global packages folder <c>dotnet restore</c> will use (NUGET_PACKAGES, as set for it, or ~/.nuget/packages).</summary>
    string PackagesFolder() =>
        Environment.TryGetValue("NUGET_PACKAGES", out var folder) && folder.Length > 0 ? folder : RuntimeAssets.GlobalPackagesFolder;

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

    async Task<(int ExitCode, string Output)> RunRestoreAsync(string folder, IReadOnlyList<PackageRequest> packages,
                                                               IReadOnlyList<string> extraArguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotNetHost.Path, ["restore", "restore.csproj", "--nologo", "-v", "q", .. extraArguments])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";  // the failure is read from NuGet's messages
        foreach (var (name, value) in Environment) start.Environment[name] = value;
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
        return (process.ExitCode, (await stdout) + "\n" + (await stderr));
    }

    static string ProjectXml(IReadOnlyList<PackageRequest> packages, IReadOnlyList<string> sources, string configRoot)
    {
        // The cache may lie under a repository: keep its Directory.Build/Packages props out.
        var references = string.Join("\n", packages.Select(p =>
            $"    <PackageReference Include=\"{SecurityElement.Escape(p.Name)}\" Version=\"{SecurityElement.Escape(p.Version ?? "*")}\" />"));
        var additional = sources.Count == 0 ? "" :
            $"\n    <RestoreAdditionalProjectSources>{SecurityElement.Escape(string.Join(";", sources.Select(Escape)))}</RestoreAdditionalProjectSources>";
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
                <!-- The notebook's folder decides which NuGet.Config files apply, as `dotnet restore` there would. -->
                <RestoreRootConfigDirectory>{SecurityElement.Escape(configRoot)}</RestoreRootConfigDirectory>{additional}
                <!-- No vulnerability audit: it needs the network even when every package is in the cache. -->
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
            {references}
              </ItemGroup>
              <Import Project="Sdk.targets" Sdk="Microsoft.NET.Sdk" />
            </Project>
            """;
    }

    // MSBuild reads ';' as a list separator and '%' as an escape in property values.
    static string Escape(string value) => value.Replace("%", "%25").Replace(";", "%3B");

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
            if (System.Environment.ProcessPath is { } self && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
            if (System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host) return host;
            return "dotnet";
        }
    }
}
