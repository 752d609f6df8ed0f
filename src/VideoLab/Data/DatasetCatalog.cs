namespace VideoLab.Data;

/// <summary>What the command line and notebooks say about the data to use.</summary>
/// <param name="Name">Dataset name: <c>shapes</c> (built-in, no download), and more as they are added.</param>
/// <param name="Path">A file or folder, for datasets read from disk.</param>
/// <param name="Frames">Frames per clip.</param>
/// <param name="Size">Frame height and width.</param>
/// <param name="Count">Clips per epoch for generated datasets.</param>
/// <param name="Seed">Seed of generated datasets.</param>
public sealed record DataSpec(string Name = "shapes", string? Path = null, int Frames = 20, int Size = 64,
                              long Count = 10_000, long Seed = 0);

/// <summary>Opens a dataset by name, so the CLI, notebooks and benchmarks open data the same way.</summary>
public static class DatasetCatalog
{
    /// <summary>The names <see cref="Open"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["shapes"];

    public static IClipDataset Open(DataSpec spec) => spec.Name.ToLowerInvariant() switch
    {
        "shapes" => new BouncingShapes(new BouncingShapesConfig(Frames: spec.Frames, Size: spec.Size, Count: spec.Count, Seed: spec.Seed)),
        _ => throw new ArgumentException($"Unknown dataset '{spec.Name}'. Known datasets: {string.Join(", ", Names)}."),
    };
}
