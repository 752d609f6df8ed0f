using VideoLab.Notebooks.Engine;

namespace VideoLab.Notebooks.Tests.Engine;

/// <summary>One engine for the engine tests: Roslyn's first compilation takes seconds, later ones milliseconds.</summary>
public sealed class EngineFixture : IDisposable
{
    public NotebookEngine Engine { get; }
    public string CacheFolder { get; } = TestPaths.TempFolder("cache");

    public EngineFixture()
    {
        Engine = new NotebookEngine(new EngineOptions { CacheDirectory = CacheFolder, BaseDirectory = TestPaths.RepositoryRoot });
        var warm = Engine.ExecuteAsync("1 + 1", new RecordingOutput()).GetAwaiter().GetResult();
        if (!warm.Succeeded) throw new InvalidOperationException($"The engine does not run `1 + 1`: {warm.Error}");
    }

    public async Task<(CellResult Result, RecordingOutput Output)> Run(string code, CancellationToken cancellationToken = default)
    {
        var output = new RecordingOutput();
        var result = await Engine.ExecuteAsync(code, output, cancellationToken);
        return (result, output);
    }

    public void Dispose()
    {
        Engine.Dispose();
        try { Directory.Delete(CacheFolder, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition("engine")]
public sealed class EngineCollection : ICollectionFixture<EngineFixture>;
