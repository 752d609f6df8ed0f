using System.CommandLine;
using System.Diagnostics;
using VideoLab.Cli.Commands;
using VideoLab.Sweeps;
using VideoLab.Training;

namespace VideoLab.Tests.Sweeps;

/// <summary>The example sweep file (examples/sweeps/tiny.yaml, the README's) and ways to run `videolab sweep`.</summary>
static class TinySweep
{
    /// <summary>The repository's examples/sweeps/tiny.yaml, found from the test binaries upwards.</summary>
    public static string ExampleFile
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "VideoLab.slnx")))
                    return Path.Combine(dir.FullName, "examples", "sweeps", "tiny.yaml");
            throw new InvalidOperationException($"No VideoLab.slnx above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>`videolab ARGS` in this process, as Program.cs wires the verbs.</summary>
    public static int Videolab(params string[] args) =>
        new RootCommand("test") { TrainCommand.Create(), SweepCommand.Create() }.Parse(args).Invoke();

    /// <summary>`videolab ARGS` as a separate process (with environment changes); its exit code and output.</summary>
    public static (int ExitCode, string Output) VideolabProcess(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var command = SweepCommand.VideolabCommandLine();
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1).Concat(args)) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    /// <summary>A sweep file written next to the example, from the example's text changed by <paramref name="edit"/>.</summary>
    public static string EditedCopy(string folder, Func<string, string> edit)
    {
        var text = File.ReadAllText(ExampleFile);
        var edited = edit(text);
        Assert.NotEqual(text, edited);  // the edit must change something, or the test proves nothing
        var path = Path.Combine(folder, $"edited-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, edited);
        return path;
    }

    /// <summary>A sweep file of one run with these train options, in a fresh folder, and the sweep directory beside it.</summary>
    public static (string File, SweepDirectory Sweep) OneRun(string name, string train)
    {
        var folder = Training.TrainingFixtures.TempDirectory();
        var file = Path.Combine(folder, name + ".yaml");
        File.WriteAllText(file, $"name: {name}\ntrain: {train}\nresources: {{cpus: 1}}\n");
        return (file, new SweepDirectory(Path.Combine(folder, "sweep")));
    }

    /// <summary>Every file under the sweep's runs/, relative, sorted: the run directories' layout.</summary>
    public static List<string> RunDirectoryFiles(string sweepDirectory)
    {
        var runs = Path.Combine(sweepDirectory, SweepDirectory.RunsFolder);
        return Directory.GetFiles(runs, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(runs, f)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The steps of a run's metrics.jsonl, in file order.</summary>
    public static List<long> Steps(string runDirectory, string split) =>
        RunFiles.ReadMetrics(runDirectory).Where(m => m.Split == split).Select(m => m.Step).ToList();
}

/// <summary>
/// The example sweep run once, in quick mode, by the local executor (2 at a time); the local tests read it and the Slurm
/// test compares its own run of the same file against it.
/// </summary>
public sealed class LocalTinySweep : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "videolab-tests", "sweep-local-" + Guid.NewGuid().ToString("N"));
    public int ExitCode { get; }

    public LocalTinySweep()
    {
        ExitCode = TinySweep.Videolab("sweep", "run", TinySweep.ExampleFile, "--quick", "--out", Root, "--executor", "local", "--parallel", "2");
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class TinySweepCollection : ICollectionFixture<LocalTinySweep>
{
    public const string Name = "tiny sweep";
}
