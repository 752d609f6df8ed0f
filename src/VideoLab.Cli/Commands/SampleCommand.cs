using System.CommandLine;
using Spectre.Console;
using TorchSharp;
using VideoLab.Data;
using VideoLab.Models;
using VideoLab.Runtime;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Cli.Commands;

/// <summary>
/// <c>videolab sample</c>: clips from a checkpoint, written as a tensor file <c>(N, T, C, H, W)</c> in [0, 1].
/// Generators sample new clips; predictors continue the context of fresh clips of the run's dataset
/// (the file holds the context followed by the prediction).
/// </summary>
public static class SampleCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint file, or a run directory (its best checkpoint).", Required = true };
        var count = new Option<int>("--count") { Description = "Clips to make.", DefaultValueFactory = _ => 8 };
        var seed = new Option<long>("--seed") { Description = "Seed of the samples.", DefaultValueFactory = _ => 0 };
        var horizon = new Option<int?>("--horizon") { Description = "Predictors: frames to predict (default: the run's)." };
        var output = new Option<string?>("--out") { Description = "Output file (default: <run>/samples/sample-<seed>.pt, or sample-<seed>.pt)." };
        var command = new Command("sample", "Write sample clips (N, T, C, H, W) from a checkpoint: generated clips, or predictions continuing real clips.")
        {
            checkpoint, count, seed, horizon, output,
        };
        command.SetAction(parse => CliErrors.Guard(() => Run(
            parse.GetValue(checkpoint)!, parse.GetValue(count), parse.GetValue(seed), parse.GetValue(horizon), parse.GetValue(output))));
        return command;
    }

    static int Run(string checkpointPath, int count, long seed, int? horizon, string? output)
    {
        if (count <= 0) throw new CliException($"--count must be positive, got {count}.");
        var source = CheckpointSource.Open(checkpointPath);
        output ??= source.RunDirectory is string run
            ? Path.Combine(run, RunFiles.Samples, $"sample-{seed}.pt")
            : $"sample-{seed}.pt";
        source.Model.eval();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor clips;
        if (source.Model is IVideoGenerator generator)
        {
            clips = generator.Sample(count, seed);  // (N, T, C, H, W)
        }
        else if (source.Model is IVideoPredictor predictor)
        {
            var dataset = DatasetCatalog.Open(source.Data(null, null, null, null, count) with { Seed = seed });
            var split = PredictionSettings.FromOptions(source.Run?.Method ?? new MethodSettings());
            var (context, trained) = split.Split(dataset.Shape.Frames);
            var real = stack(Enumerable.Range(0, count).Select(i => dataset.GetClip(i)).ToArray()).to(Lab.Device);  // (N, T, C, H, W)
            var input = real.narrow(1, 0, context);                                                                 // (N, Tc, C, H, W)
            clips = cat([input, predictor.Predict(input, horizon ?? trained).clamp(0, 1)], 1);                      // (N, Tc + horizon, C, H, W)
        }
        else throw new CliException($"Model '{source.Spec.Name}' neither generates nor predicts clips.");
        RunFiles.WriteClip(output, clips);
        AnsiConsole.MarkupLineInterpolated($"Wrote {count} clips {Modules.VideoShape.Format(clips.shape)} (N, T, C, H, W) to [blue]{output}[/].");
        return 0;
    }
}
