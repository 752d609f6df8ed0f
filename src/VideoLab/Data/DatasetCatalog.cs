namespace VideoLab.Data;

/// <summary>What the command line and notebooks say about the data to use.</summary>
/// <param name="Name">Dataset name, one of <see cref="DatasetCatalog.Names"/>: <c>shapes</c> (built-in, no download),
/// <c>moving-mnist</c>, <c>moving-fashion-mnist</c>, <c>videos</c>.</param>
/// <param name="Path">A file or folder, for datasets read from disk: a folder of IDX files or an .npy test set for the
/// Moving MNIST sets, a folder of videos for <c>videos</c>.</param>
/// <param name="Frames">Frames per clip.</param>
/// <param name="Size">Frame height and width.</param>
/// <param name="Count">Clips per epoch for generated datasets.</param>
/// <param name="Seed">Seed of generated datasets (and of random clip starts in video folders).</param>
/// <param name="Digits">Digits per Moving MNIST clip (2 in the paper).</param>
/// <param name="Split"><c>train</c> or <c>test</c> IDX digits for Moving MNIST; <c>train</c>, <c>validation</c> or <c>all</c> for video folders.</param>
/// <param name="Grayscale">Video folders: decode to one channel instead of three.</param>
/// <param name="FrameStride">Video folders: take every n-th frame.</param>
/// <param name="FreshEachEpoch">Generated datasets: train on new clips every epoch (<see cref="FreshClips"/>, as OpenSTL's
/// Moving MNIST loader does) instead of the same <paramref name="Count"/> clips; validation and test clips stay fixed.</param>
public sealed record DataSpec(string Name = "shapes", string? Path = null, int Frames = 20, int Size = 64,
                              long Count = 10_000, long Seed = 0,
                              int Digits = 2, string Split = "train", bool Grayscale = false, int FrameStride = 1,
                              bool FreshEachEpoch = true);

/// <summary>Opens a dataset by name, so the CLI, notebooks and benchmarks open data the same way.</summary>
public static class DatasetCatalog
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package puts the Fashion-MNIST IDX files.</summary>
    public const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

    /// <summary>The names <see cref="Open"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["shapes", "moving-mnist", "moving-fashion-mnist", "videos"];

    public static IClipDataset Open(DataSpec spec) => spec.Name.ToLowerInvariant() switch
    {
        "shapes" => new BouncingShapes(new BouncingShapesConfig(Frames: spec.Frames, Size: spec.Size, Count: spec.Count, Seed: spec.Seed)),
        "moving-mnist" => OpenMovingMnist(spec, spec.Path ?? DefaultMnist() ?? throw new ArgumentException(
            "moving-mnist needs MNIST digits: run `videolab data download mnist` (IDX files into data/mnist, found there by itself), " +
            "or pass --data-path to a folder with train-images-idx3-ubyte[.gz] or to mnist_test_seq.npy.")),
        "moving-fashion-mnist" => OpenMovingMnist(spec, spec.Path ?? (Directory.Exists(DebianFashionMnist) ? DebianFashionMnist : throw new ArgumentException(
            $"moving-fashion-mnist needs Fashion-MNIST digits: install Debian's dataset-fashion-mnist (files in {DebianFashionMnist}), " +
            "or run `videolab data download fashion-mnist` and pass --data-path data/fashion-mnist."))),
        "videos" => OpenVideos(spec),
        _ => throw new ArgumentException($"Unknown dataset '{spec.Name}'. Known datasets: {string.Join(", ", Names)}."),
    };

    /// <summary><c>data/mnist</c> under the working directory when it holds MNIST's training images (where <c>videolab data download mnist</c> puts them).</summary>
    static string? DefaultMnist()
    {
        const string folder = "data/mnist";
        return File.Exists(Path.Combine(folder, "train-images-idx3-ubyte")) || File.Exists(Path.Combine(folder, "train-images-idx3-ubyte.gz")) ? folder : null;
    }

    static IClipDataset OpenMovingMnist(DataSpec spec, string path)
    {
        if (File.Exists(path) && path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var testSet = new MovingMnistTestSet(path, spec.Frames);
            if (testSet.Shape.Height != spec.Size || testSet.Shape.Width != spec.Size)
                throw new ArgumentException($"{path} holds {testSet.Shape.Height}×{testSet.Shape.Width} frames; size {spec.Size} was asked for.");
            return testSet;
        }
        return MovingMnist.FromPath(path, new MovingMnistConfig(Frames: spec.Frames, Size: spec.Size, Digits: spec.Digits,
                                                                Count: spec.Count, Seed: spec.Seed), spec.Split);
    }

    static IClipDataset OpenVideos(DataSpec spec)
    {
        var root = spec.Path ?? throw new ArgumentException("videos needs a folder of video files: pass --data-path FOLDER (one sub-folder per class, as in UCF-101).");
        var split = spec.Split.ToLowerInvariant() switch
        {
            "train" => VideoSplit.Train,
            "validation" or "val" or "test" => VideoSplit.Validation,
            "all" => VideoSplit.All,
            _ => throw new ArgumentException($"Unknown split '{spec.Split}' for videos; expected train, validation or all."),
        };
        return new VideoFolder(root, new VideoFolderConfig(Frames: spec.Frames, Height: spec.Size, Width: spec.Size, FrameStride: spec.FrameStride,
                                                           Grayscale: spec.Grayscale, Split: split, Seed: spec.Seed));
    }
}
