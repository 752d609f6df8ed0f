using System.Diagnostics;
using TorchSharp;
using VideoLab.Notebooks.Runner;
using VideoLab.Runtime;
using VideoLab.Tutorials;
using Xunit.Abstractions;

namespace VideoLab.Notebooks.Tests.Tutorials;

/// <summary>
/// Runs the seven tutorial notebooks once, in order, in ci mode, in this process through the headless runner
/// (the same engine as the kernel), with their runs in a temporary folder so that 07 reuses 02–06's as it would
/// for a user. Each test then checks one executed notebook. Torch runs on one thread meanwhile: the quick models are
/// so small that intra-op threads only add synchronisation (measured: 02 and 03 ran 3–5× faster on one thread on a busy
/// 2-core machine).
/// </summary>
public sealed class TutorialNotebooksFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    public static readonly string[] Names = ["01-data", "02-cnn", "03-rnn", "04-attention", "05-gan", "06-vqvae", "07-gallery"];

    public Dictionary<string, NotebookRun> Runs { get; } = [];
    public string OutputFolder { get; } = TestPaths.TempFolder("tutorials");

    /// <summary>What the notebooks recorded with <c>TutorialResults</c> (their verdicts and statistics), one JSON object per line.</summary>
    public string ResultsFile => Path.Combine(OutputFolder, "runs", "ci", "results.jsonl");

    public async Task InitializeAsync()
    {
        var previousMode = Environment.GetEnvironmentVariable(Lab.ModeVariable);
        var previousRuns = Environment.GetEnvironmentVariable(TutorialPaths.RunsVariable);
        Environment.SetEnvironmentVariable(Lab.ModeVariable, "ci");
        Environment.SetEnvironmentVariable(TutorialPaths.RunsVariable, Path.Combine(OutputFolder, "runs"));
        int threads = torch.get_num_threads();
        torch.set_num_threads(1);
        try
        {
            foreach (var name in Names)
            {
                var path = Path.Combine(TestPaths.RepositoryRoot, "notebooks", name + ".ipynb");
                var clock = Stopwatch.StartNew();
                Runs[name] = await NotebookRunner.RunAsync(path, new RunOptions { OutputDirectory = OutputFolder }, TextWriter.Null);
                // xunit's diagnostic sink, not Console: other test classes capture Console.Out while this runs.
                diagnostics.OnMessage(new Xunit.Sdk.DiagnosticMessage($"{name}: {clock.Elapsed.TotalSeconds:F0} s"));
            }
        }
        finally
        {
            torch.set_num_threads(threads);
            Environment.SetEnvironmentVariable(Lab.ModeVariable, previousMode);
            Environment.SetEnvironmentVariable(TutorialPaths.RunsVariable, previousRuns);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class TutorialNotebooksCollection : ICollectionFixture<TutorialNotebooksFixture>
{
    public const string Name = "tutorial notebooks";
}
