using VideoLab.Data;
using VideoLab.Runtime;
using static TorchSharp.torch;

namespace VideoLab.Tutorials;

/// <summary>
/// The data every tutorial notebook trains and tests on, chosen the same way in each, by <see cref="Lab.Mode"/>:
/// <list type="bullet">
/// <item>gpu: Moving MNIST 10 → 10 (64×64, the standard protocol) when MNIST digits are found under <c>data/mnist</c>,
/// otherwise the built-in bouncing shapes at 64×64;</item>
/// <item>cpu: bouncing shapes at 32×32, 5 → 5, fresh training clips every epoch;</item>
/// <item>ci: the same clips as cpu mode, few of them, so that a notebook runs in seconds on two CPU cores.</item>
/// </list>
/// </summary>
/// <param name="Name">Dataset name as <see cref="DatasetCatalog"/> knows it.</param>
/// <param name="Train">Training clips.</param>
/// <param name="Test">Test clips (the fixed <c>mnist_test_seq.npy</c> when present, else generated with another seed).</param>
/// <param name="Context">Context frames.</param>
/// <param name="Horizon">Predicted frames.</param>
/// <param name="Why">One line saying why this dataset was chosen.</param>
/// <param name="TestGenerator">How generated test clips are made (any length): the test seed, and MNIST's test digits.</param>
public sealed record TutorialData(string Name, IClipDataset Train, IClipDataset Test, int Context, int Horizon, string Why, DataSpec TestGenerator)
{
    /// <summary>Seed of the training clips; test clips use another, so they are never training clips.</summary>
    public const long TrainSeed = 0, TestSeed = 1_000_003;

    /// <summary>Clip shape <c>(T, C, H, W)</c>.</summary>
    public ClipShape Shape => Train.Shape;

    /// <summary>Opens the tutorial data of <paramref name="mode"/> (default: <see cref="Lab.Mode"/>).</summary>
    /// <param name="mode">The mode; null reads <see cref="Lab.Mode"/>.</param>
    /// <param name="frames">Frames per clip in gpu mode (20 = 10 → 10); ci and cpu mode use 10 (5 → 5).</param>
    public static TutorialData Open(LabMode? mode = null, int frames = 20)
    {
        var chosen = mode ?? Lab.Mode;
        if (chosen != LabMode.Gpu)
        {
            bool ci = chosen == LabMode.Ci;
            var spec = new DataSpec("shapes", Frames: 10, Size: 32, Count: ci ? 512 : 8_192, Seed: TrainSeed);
            var testSpec = spec with { Count = ci ? 32 : 256, Seed = TestSeed };
            return new("shapes", DatasetCatalog.Open(spec), DatasetCatalog.Open(testSpec), 5, 5,
                       $"{chosen.ToString().ToLowerInvariant()} mode: built-in bouncing shapes, 32×32, 5 → 5, " +
                       $"{spec.Count:N0} training and {testSpec.Count} test clips", testSpec);
        }
        if (TutorialPaths.FindMnist() is { } mnist)
        {
            var spec = new DataSpec("moving-mnist", mnist, Frames: frames, Size: 64, Count: 10_000, Seed: TrainSeed);
            var generated = spec with { Count = 1_000, Seed = TestSeed, Split = "test" };
            var npy = frames == 20 ? TutorialPaths.FindMovingMnistTestSet() : null;
            IClipDataset test = npy is not null ? DatasetCatalog.Open(spec with { Path = npy }) : DatasetCatalog.Open(generated);
            return new("moving-mnist", DatasetCatalog.Open(spec), test, frames / 2, frames - frames / 2,
                       $"MNIST digits found in {mnist}: Moving MNIST 64×64, {frames / 2} → {frames - frames / 2}" +
                       (npy is null ? ", generated test clips (test digits)" : $", the fixed test set {npy}"), generated);
        }
        var shapes = new DataSpec("shapes", Frames: frames, Size: 64, Count: 10_000, Seed: TrainSeed);
        var shapesTest = shapes with { Count = 1_000, Seed = TestSeed };
        return new("shapes", DatasetCatalog.Open(shapes), DatasetCatalog.Open(shapesTest), frames / 2, frames - frames / 2,
                   $"no MNIST digits under data/mnist: bouncing shapes 64×64, {frames / 2} → {frames - frames / 2}", shapesTest);
    }

    /// <summary>Shuffled, seeded training batches on <see cref="Lab.Device"/>; generated data gives new clips every epoch (as OpenSTL's loader).</summary>
    public ClipLoader TrainLoader(int batchSize) =>
        new(Train is IClipGenerator generator ? new FreshClips(generator, Train.Count) : Train,
            (int)Math.Min(batchSize, Train.Count), shuffle: true, seed: TrainSeed, device: Lab.Device);

    /// <summary>Test batches in a fixed order on <see cref="Lab.Device"/> (the last batch may be smaller).</summary>
    public ClipLoader TestLoader(int batchSize) =>
        new(Test, (int)Math.Min(batchSize, Test.Count), shuffle: false, device: Lab.Device, dropLast: false);

    /// <summary>Test clips <c>[start, start + count)</c> stacked as <c>(count, T, C, H, W)</c> on <see cref="Lab.Device"/>.</summary>
    public Tensor TestClips(int count, int start = 0)
    {
        if (start < 0 || count <= 0 || start + count > Test.Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"Test clips {start}..{start + count - 1} asked for; the test set has {Test.Count}.");
        using var scope = NewDisposeScope();
        return stack(Enumerable.Range(start, count).Select(i => Test.GetClip(i)).ToArray()).to(Lab.Device).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <paramref name="count"/> generated test clips of <paramref name="frames"/> frames, <c>(count, frames, C, H, W)</c>: for rollouts
    /// longer than the clips trained on (the same generator and seed as the test clips, only longer).
    /// </summary>
    public Tensor LongTestClips(int frames, int count)
    {
        var source = DatasetCatalog.Open(TestGenerator with { Frames = frames, Count = Math.Max(count, 1) });
        using var scope = NewDisposeScope();
        return stack(Enumerable.Range(0, count).Select(i => source.GetClip(i)).ToArray()).to(Lab.Device).MoveToOuterDisposeScope();
    }

    public override string ToString() =>
        $"{Name}: clips {Shape} (T, C, H, W), {Context} → {Horizon}, {Train.Count} training and {Test.Count} test clips ({Why})";
}
