namespace VideoLab.Tutorials;

/// <summary>
/// Where the notebooks look for data and write runs. Notebooks run in <c>notebooks/</c>, the README's commands
/// in the repository root, so data is searched in <c>data/</c> of the current folder and of its parents.
/// </summary>
public static class TutorialPaths
{
    /// <summary>Environment variable that moves the runs folder (tests point it at a temporary folder).</summary>
    public const string RunsVariable = "VIDEOLAB_RUNS";

    /// <summary>The runs folder: <c>$VIDEOLAB_RUNS</c>, else <c>runs</c> in the current folder.</summary>
    public static string RunsRoot => Environment.GetEnvironmentVariable(RunsVariable) is { Length: > 0 } r ? r : "runs";

    /// <summary>
    /// The folder of the current mode's runs, <c>runs/ci</c>, <c>runs/cpu</c> or <c>runs/gpu</c>: a mode only ever reloads
    /// runs of its own sizes and budgets (ci and cpu train on clips of the same shape).
    /// </summary>
    public static string ModeRoot => Path.Combine(RunsRoot, Runtime.Lab.Mode.ToString().ToLowerInvariant());

    /// <summary>The run directory of <paramref name="runName"/> in the current mode.</summary>
    public static string RunDirectory(string runName) => Path.Combine(ModeRoot, runName);

    /// <summary>The first <c>data/&lt;relative&gt;</c> that exists in the current folder or a parent, or null.</summary>
    public static string? FindData(string relative)
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "data", relative);
            if (File.Exists(path) || Directory.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>A folder with MNIST's IDX image files (<c>data/mnist</c>), or null.</summary>
    public static string? FindMnist() =>
        FindData("mnist") is { } folder && HasIdx(folder) ? folder : null;

    /// <summary>Fashion-MNIST's IDX files: <c>data/fashion-mnist</c>, else Debian's <c>dataset-fashion-mnist</c>, or null.</summary>
    public static string? FindFashionMnist() =>
        FindData("fashion-mnist") is { } folder && HasIdx(folder) ? folder
        : HasIdx(Data.DatasetCatalog.DebianFashionMnist) ? Data.DatasetCatalog.DebianFashionMnist : null;

    /// <summary>The fixed Moving MNIST test set <c>data/mnist_test_seq.npy</c> (or <c>data/moving-mnist/mnist_test_seq.npy</c>), or null.</summary>
    public static string? FindMovingMnistTestSet() =>
        FindData("mnist_test_seq.npy") ?? FindData(Path.Combine("moving-mnist", "mnist_test_seq.npy"));

    static bool HasIdx(string folder)
    {
        if (!Directory.Exists(folder)) return false;
        try { Data.MovingMnist.FindImages(folder); return true; }
        catch (Data.DataFileException) { return false; }
    }
}
