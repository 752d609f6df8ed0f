using VideoLab.Data;
using VideoLab.Runtime;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Cli.Commands;

/// <summary>What <c>--checkpoint PATH</c> points at: the checkpoint file, its rebuilt model, and the run it belongs to (when there is one).</summary>
sealed record CheckpointSource(string Path, ModelSpec Spec, nn.Module Model, RunConfig? Run, string? RunDirectory)
{
    /// <summary>Accepts a checkpoint file or a run directory (then its best, else last, checkpoint).</summary>
    public static CheckpointSource Open(string path)
    {
        var file = RunFiles.ResolveCheckpoint(path);
        var (spec, model) = Checkpoint.LoadModel(file, Lab.Device);
        // <run>/checkpoints/<name>.ckpt → <run>, when <run>/config.json exists.
        var runDirectory = System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file)));
        var hasRun = runDirectory is not null && File.Exists(System.IO.Path.Combine(runDirectory, RunFiles.Config));
        var config = hasRun ? RunConfig.FromJson(File.ReadAllText(System.IO.Path.Combine(runDirectory!, RunFiles.Config))) : null;
        return new CheckpointSource(file, spec, model, config, hasRun ? runDirectory : null);
    }

    /// <summary>
    /// The data to evaluate or sample on: the run's dataset unless the command line names another, with fresh
    /// clips for generated datasets (seed + 1, so not the clips trained on) and the held-out split of datasets
    /// that have one (Moving MNIST's test digits, a video folder's validation videos).
    /// </summary>
    public DataSpec Data(string? name, string? dataPath, int? frames, int? imageSize, long count)
    {
        var baseline = Run?.Data ?? new DataSpec();
        var spec = name is null || name.Equals(baseline.Name, StringComparison.OrdinalIgnoreCase)
            ? baseline
            : new DataSpec(name, Frames: baseline.Frames, Size: baseline.Size);
        return spec with
        {
            Path = dataPath ?? spec.Path,
            Frames = frames ?? spec.Frames,
            Size = imageSize ?? spec.Size,
            Count = count,
            Seed = spec.Seed + 1,
            Split = spec.Name.ToLowerInvariant() switch
            {
                "moving-mnist" or "moving-fashion-mnist" => "test",
                "videos" => "validation",
                _ => spec.Split,
            },
        };
    }
}
