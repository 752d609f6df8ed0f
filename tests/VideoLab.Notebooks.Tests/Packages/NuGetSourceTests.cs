using VideoLab.Notebooks.Display;
using VideoLab.Notebooks.Engine;
using VideoLab.Notebooks.Packages;

namespace VideoLab.Notebooks.Tests.Packages;

/// <summary>
/// Where <c>#r "nuget: …"</c> finds packages: the user's configured sources (a real download from the
/// machine's configured feed), a local folder feed given with <c>#i</c>, the notebook folder's NuGet.Config,
/// the cache when a source cannot be reached, and what the user reads when nothing works.
/// </summary>
public sealed class NuGetSourceTests(PackedFeed feed) : IClassFixture<PackedFeed>
{
    [Fact]
    public async Task A_package_is_downloaded_from_the_configured_sources_into_an_empty_packages_folder()
    {
        var root = TestPaths.TempFolder("download");
        var packages = Path.Combine(root, "packages");
        // No NuGet.Config near the (empty) notebook folder: the user's own configuration applies, nuget.org by default.
        var restorer = new NuGetRestorer(Path.Combine(root, "cache"), configRoot: root)
        {
            Environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages, ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(root, "http") },
        };
        var result = await restorer.RestoreAsync([new PackageRequest("Humanizer.Core", "2.14.1")], []);

        Assert.Contains(new RestoredPackage("Humanizer.Core", "2.14.1"), result.Packages);
        Assert.Null(result.Note);
        Assert.True(File.Exists(Path.Combine(packages, "humanizer.core", "2.14.1", "humanizer.core.2.14.1.nupkg")), "the package was not downloaded into the empty folder");
        var dll = Assert.Single(result.Assets.Assemblies);
        Assert.Equal("Humanizer.dll", Path.GetFileName(dll));
        Assert.StartsWith(packages, dll);
    }

    [Fact]
    public async Task A_package_packed_into_a_local_folder_is_restored_through_hash_i_and_used_in_the_next_line()
    {
        var notebookFolder = TestPaths.TempFolder("feed-notebook");
        using var engine = new NotebookEngine(new EngineOptions
        {
            BaseDirectory = notebookFolder,
            CacheDirectory = Path.Combine(notebookFolder, "cache"),
            PackagesFolder = Path.Combine(notebookFolder, "packages"),
        });
        var output = new RecordingOutput();
        var result = await engine.ExecuteAsync($$"""
            #i "nuget: {{feed.Folder}}"
            #r "nuget: {{PackedFeed.PackageId}}, {{PackedFeed.Version}}"
            VideoLabTest.Greeter.Hello("notebook")
            """, output);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal("Hello, notebook (from a packed feed)", result.Value?[MimeBundle.PlainText]);
        Assert.Contains(output.Items, i => i.Kind == "display" && i.Text.Contains($"{PackedFeed.PackageId}, {PackedFeed.Version}"));
    }

    [Fact]
    public async Task The_notebook_folders_NuGet_config_is_used_and_an_unreachable_source_is_named_without_blaming_the_name()
    {
        var notebookFolder = UnreachableSourceFolder();
        var restorer = new NuGetRestorer(Path.Combine(notebookFolder, "cache"), configRoot: notebookFolder)
        {
            Environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(notebookFolder, "packages") },
        };
        var error = await Assert.ThrowsAsync<PackageRestoreException>(() =>
            restorer.RestoreAsync([new PackageRequest("VideoLab.Some.Package", "1.0.0")], []));

        Assert.StartsWith("Could not restore VideoLab.Some.Package 1.0.0", error.Message);
        Assert.Contains("NU1301", error.Message);
        Assert.Contains("Sources tried: https://127.0.0.1:9/v3/index.json", error.Message);
        Assert.Contains(Path.Combine(notebookFolder, "NuGet.Config"), error.Message);
        Assert.Contains("could not be reached", error.Message);
        Assert.DoesNotContain("check the name", error.Message);
    }

    [Fact]
    public async Task A_package_that_no_source_has_is_reported_with_every_source_tried()
    {
        var notebookFolder = TestPaths.TempFolder("missing");
        var restorer = new NuGetRestorer(Path.Combine(notebookFolder, "cache"), configRoot: notebookFolder)
        {
            Environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(notebookFolder, "packages") },
        };
        var error = await Assert.ThrowsAsync<PackageRestoreException>(() =>
            restorer.RestoreAsync([new PackageRequest("VideoLab.No.Such.Package", "1.0.0")], [feed.Folder]));

        Assert.Contains("NU1101", error.Message);
        Assert.Contains($"{feed.Folder} (#i)", error.Message);  // the notebook's own source, marked as such
        Assert.Contains("No source above has a package with that id", error.Message);
    }

    [Fact]
    public async Task Offline_a_package_in_the_cache_restores_for_an_exact_and_for_a_floating_version()
    {
        var packages = TestPaths.TempFolder("offline-packages");
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages };
        // Online: the packed package reaches the cache.
        var online = TestPaths.TempFolder("online");
        await new NuGetRestorer(Path.Combine(online, "cache"), online) { Environment = environment }
            .RestoreAsync([new PackageRequest(PackedFeed.PackageId, PackedFeed.Version)], [feed.Folder]);

        // Offline: the only configured source cannot be reached, and no #i source is given.
        var notebookFolder = UnreachableSourceFolder();
        var restorer = new NuGetRestorer(Path.Combine(notebookFolder, "cache"), configRoot: notebookFolder) { Environment = environment };
        var exact = await restorer.RestoreAsync([new PackageRequest(PackedFeed.PackageId, PackedFeed.Version)], []);
        Assert.Contains(new RestoredPackage(PackedFeed.PackageId, PackedFeed.Version), exact.Packages);
        Assert.Null(exact.Note);

        var floating = await restorer.RestoreAsync([new PackageRequest(PackedFeed.PackageId, null)], []);
        Assert.Contains(new RestoredPackage(PackedFeed.PackageId, PackedFeed.Version), floating.Packages);
        Assert.Contains("offline: restored from the NuGet cache", floating.Note);
        Assert.Contains("https://127.0.0.1:9/v3/index.json", floating.Note);
    }

    /// <summary>A notebook folder whose NuGet.Config replaces every source by one nobody listens on.</summary>
    static string UnreachableSourceFolder()
    {
        var folder = TestPaths.TempFolder("unreachable");
        File.WriteAllText(Path.Combine(folder, "NuGet.Config"), """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="unreachable" value="https://127.0.0.1:9/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        return folder;
    }
}

/// <summary>A local folder feed holding one package made by <c>dotnet pack</c> from a one-class library.</summary>
public sealed class PackedFeed : IAsyncLifetime
{
    public const string PackageId = "VideoLabTest.Greeter";
    public const string Version = "1.0.0";

    public string Folder { get; } = Path.Combine(TestPaths.TempFolder("packed-feed"), "feed");

    public async Task InitializeAsync()
    {
        var project = Path.Combine(Path.GetDirectoryName(Folder)!, "greeter");
        Directory.CreateDirectory(project);
        await File.WriteAllTextAsync(Path.Combine(project, "Greeter.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <PackageId>{PackageId}</PackageId>
                <Version>{Version}</Version>
                <Authors>VideoLab tests</Authors>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(project, "Greeter.cs"),
            "namespace VideoLabTest; public static class Greeter { public static string Hello(string name) => $\"Hello, {name} (from a packed feed)\"; }");
        var pack = await Processes.Run("dotnet", ["pack", project, "-o", Folder, "--nologo", "-v", "q"], TimeSpan.FromMinutes(3));
        Assert.True(pack.ExitCode == 0, pack.ToString());
        Assert.True(File.Exists(Path.Combine(Folder, $"{PackageId}.{Version}.nupkg")), $"dotnet pack made no package in {Folder}");
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
