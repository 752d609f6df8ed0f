using VideoLab.Tutorials;

namespace VideoLab.Notebooks.Tests.Tutorials;

/// <summary>The reference checkpoints notebooks 03, 05, 06 and 07 load, and the script that makes them.</summary>
public sealed class ReferenceCheckpointTests
{
    static string Folder => Path.Combine(TestPaths.RepositoryRoot, "notebooks", "reference");

    [Theory]
    [InlineData("mocogan")]
    [InlineData("vqvae")]
    [InlineData("vqvae-prior")]
    [InlineData("framegru")]
    [InlineData("framelstm")]
    [InlineData("simvp-attention")]
    public void The_committed_reference_is_the_recipes_and_loads_with_its_recorded_hash(string name)
    {
        Assert.True(File.Exists(Path.Combine(Folder, name + ".json")), $"notebooks/reference/{name}.json is not committed; make it with notebooks/reference/make.sh {name}");
        var reference = TutorialReferences.Load(name, Folder)!;                        // throws when the SHA-256 does not match
        Assert.Equal(ReferenceRecipes.Steps(name), reference.Steps);
        Assert.Contains("cpu-mode size", reference.Description);
        Assert.Equal($"notebooks/reference/make.sh {name}", reference.Command);
        Assert.True(new FileInfo(Path.Combine(Folder, name + ".weights")).Length < 5L << 20, "a reference is a few MB at most");
    }

    [Fact]
    public async Task The_script_that_makes_them_compiles()
    {
        var output = TestPaths.TempFolder("reference-make");
        try
        {
            var build = await Processes.Run("dotnet", ["build", Path.Combine(Folder, "make.cs"), "-o", output, "--nologo", "-v", "q"],
                                            TimeSpan.FromMinutes(5), workingDirectory: TestPaths.RepositoryRoot);
            Assert.True(build.ExitCode == 0, $"dotnet build notebooks/reference/make.cs failed:\n{build}");
        }
        finally { Directory.Delete(output, recursive: true); }
    }
}
