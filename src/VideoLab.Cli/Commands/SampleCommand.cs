using System.CommandLine;
using Spectre.Console;
using TorchSharp;
using VideoLab.Data;
using VideoLab.Media;
using VideoLab.Models;
using VideoLab.Plots;
using VideoLab.Runtime;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Cli.Commands;

/// <summary>
/// <c>videolab sample</c>: clips from a checkpoint <c>(N, T, C, H, W)</c> in [0, 1], written as a tensor file (<c>.pt</c>) with,
/// beside it, the same clips as NumPy's <c>.npy</c>, a GIF, an MP4 and a PNG strip (one clip per row), as
/// <c>--formats</c> says. Generators sample new clips (a <c>vqvae-prior</c> checkpoint samples codes and decodes them
/// through the VQ-VAE its run was trained on); predictors continue the context of fresh clips of the run's dataset
/// (the file holds the context followed by the prediction).
/// </summary>
public static class SampleCommand
{
    /// <summary>The files <c>--formats</c> can ask for.</summary>
    static readonly string[] Formats = ["pt", "npy", "gif", "mp4", "png"];

    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint file, or a run directory (its best checkpoint).", Required = true };
        var count = new Option<int>("--count") { Description = "Clips to make.", DefaultValueFactory = _ => 8 };
        var seed = new Option<long>("--seed") { Description = "Seed of the samples.", DefaultValueFactory = _ => 0 };
        var horizon = new Option<int?>("--horizon") { Description = "Predictors: frames to predict (default: the run's)." };
        var output = new Option<string?>("--out") { Description = "Output .pt file; the other formats go beside it (default: <run>/samples/sample-<seed>.pt, or sample-<seed>.pt)." };
        var formats = new Option<string>("--formats") { Description = $"Comma-separated files to write: {string.Join(", ", Formats)}.", DefaultValueFactory = _ => string.Join(",", Formats) };
        var vqvae = new Option<string?>("--vqvae") { Description = "vqvae-prior: the VQ-VAE to decode with (default: the one its run was trained on, the run's 'vqvae' option)." };
        var command = new Command("sample", "Write sample clips (N, T, C, H, W) from a checkpoint as .pt, .npy, GIF, MP4 and a PNG strip: generated clips, or predictions continuing real clips.")
        {
            checkpoint, count, seed, horizon, output, formats, vqvae,
        };
        command.SetAction(parse => CliErrors.Guard(() => Run(
            parse.GetValue(checkpoint)!, parse.GetValue(count), parse.GetValue(seed), parse.GetValue(horizon), parse.GetValue(output),
            parse.GetValue(formats)!, parse.GetValue(vqvae))));
        return command;
    }

    static int Run(string checkpointPath, int count, long seed, int? horizon, string? output, string formatList, string? vqvaePath)
    {
        if (count <= 0) throw new CliException($"--count must be positive, got {count}.");
        var wanted = formatList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => f.ToLowerInvariant()).ToHashSet();
        if (wanted.Count == 0 || wanted.Except(Formats).Any())
            throw new CliException($"--formats takes a comma-separated list of {string.Join(", ", Formats)}; got '{formatList}'.");
        var source = CheckpointSource.Open(checkpointPath);
        output ??= source.RunDirectory is string run
            ? Path.Combine(run, RunFiles.Samples, $"sample-{seed}.pt")
            : $"sample-{seed}.pt";
        source.Model.eval();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var clips = Sample(source, count, seed, horizon, vqvaePath);  // (N, T, C, H, W)
        foreach (var written in Write(clips, output, wanted))
            AnsiConsole.MarkupLineInterpolated($"Wrote {count} clips {Modules.VideoShape.Format(clips.shape)} (N, T, C, H, W) to [blue]{written}[/].");
        return 0;
    }

    static Tensor Sample(CheckpointSource source, int count, long seed, int? horizon, string? vqvaePath)
    {
        if (source.Model is IVideoGenerator generator)
            return generator.Sample(count, seed);  // (N, T, C, H, W)
        if (source.Model is CodePrior prior)
        {
            var path = vqvaePath ?? source.Run?.Method?.Option(PriorMethod.VqVaeOption)
                       ?? throw new CliException($"{source.Path} is a code prior without the VQ-VAE it was trained on: pass --vqvae with that VQ-VAE's run directory or checkpoint.");
            if (vqvaePath is null && !Path.IsPathRooted(path) && !File.Exists(path) && !Directory.Exists(path))
                throw new CliException($"The prior's run names its VQ-VAE as '{path}', which is not here (relative to {Environment.CurrentDirectory}): pass --vqvae PATH.");
            var vqvae = PriorMethod.LoadVqVae(path, Lab.Device);
            using var pair = new VqVaePriorGenerator(vqvae, prior);
            pair.eval();
            return pair.Sample(count, seed);  // (N, T, C, H, W)
        }
        if (source.Model is IVideoPredictor predictor)
        {
            var dataset = DatasetCatalog.Open(source.Data(null, null, null, null, count) with { Seed = seed });
            var split = PredictionSettings.FromOptions(source.Run?.Method ?? new MethodSettings());
            var (context, trained) = split.Split(dataset.Shape.Frames);
            var real = stack(Enumerable.Range(0, count).Select(i => dataset.GetClip(i)).ToArray()).to(Lab.Device);  // (N, T, C, H, W)
            var input = real.narrow(1, 0, context);                                                                 // (N, Tc, C, H, W)
            return cat([input, predictor.Predict(input, horizon ?? trained).clamp(0, 1)], 1);                       // (N, Tc + horizon, C, H, W)
        }
        throw new CliException($"Model '{source.Spec.Name}' neither generates nor predicts clips.");
    }

    /// <summary>The asked-for files, named as <paramref name="output"/> with each extension; returns their paths.</summary>
    static IEnumerable<string> Write(Tensor clips, string output, IReadOnlySet<string> formats)
    {
        var stem = Path.ChangeExtension(output, null);
        var written = new List<string>();
        if (formats.Contains("pt")) { RunFiles.WriteClip(output, clips); written.Add(output); }
        if (formats.Contains("npy")) { NpyTensor.Write(stem + ".npy", clips.to(ScalarType.Float32)); written.Add(stem + ".npy"); }
        if (formats.Contains("png")) { FrameStrip.SaveClips(stem + ".png", clips); written.Add(stem + ".png"); }
        foreach (var video in new[] { "gif", "mp4" }.Where(formats.Contains))
        {
            var path = $"{stem}.{video}";
            try
            {
                if (video == "gif") VideoWriter.WriteGif(clips, path, scale: 2);
                else VideoWriter.WriteMp4(clips, path, scale: 2);
                written.Add(path);
            }
            catch (FFmpegNotFoundException e)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] no {video.ToUpperInvariant()} ({e.Message}).");
            }
        }
        return written;
    }
}
