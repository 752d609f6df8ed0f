using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using TorchSharp;
using VideoLab.Data;
using VideoLab.Models;
using VideoLab.Runtime;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Cli.Commands;

/// <summary>
/// <c>videolab eval</c>: rebuilds a model from a checkpoint and measures it on a dataset. Predictors get
/// MSE, MAE (per frame, summed over pixels), PSNR and SSIM, overall and per predicted frame; other models
/// their training method's validation metrics.
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint file, or a run directory (its best checkpoint).", Required = true };
        var data = new Option<string?>("--data") { Description = "Dataset (default: the run's)." };
        var dataPath = new Option<string?>("--data-path") { Description = "File or folder of datasets read from disk." };
        var frames = new Option<int?>("--frames") { Description = "Frames per clip (default: the run's)." };
        var imageSize = new Option<int?>("--image-size") { Description = "Frame size (default: the run's)." };
        var context = new Option<int?>("--context") { Description = "Context frames (default: the run's)." };
        var horizon = new Option<int?>("--horizon") { Description = "Predicted frames (default: the run's; may exceed what was trained)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Clips per batch.", DefaultValueFactory = _ => 16 };
        var clips = new Option<long>("--clips") { Description = "Clips to evaluate.", DefaultValueFactory = _ => 256 };
        var output = new Option<string?>("--out") { Description = "Also write the results as JSON to this file." };
        var command = new Command("eval", "Evaluate a checkpoint: MSE, MAE, PSNR, SSIM overall and per predicted frame.")
        {
            checkpoint, data, dataPath, frames, imageSize, context, horizon, batchSize, clips, output,
        };
        command.SetAction(parse => CliErrors.Guard(() => Run(
            parse.GetValue(checkpoint)!, parse.GetValue(data), parse.GetValue(dataPath), parse.GetValue(frames), parse.GetValue(imageSize),
            parse.GetValue(context), parse.GetValue(horizon), parse.GetValue(batchSize), parse.GetValue(clips), parse.GetValue(output))));
        return command;
    }

    internal static int Run(string checkpointPath, string? dataName, string? dataPath, int? frames, int? imageSize, int? context, int? horizon,
                   int batchSize, long clips, string? output)
    {
        if (batchSize <= 0 || clips <= 0) throw new CliException("--batch-size and --clips must be positive.");
        var source = CheckpointSource.Open(checkpointPath);
        var spec = source.Data(dataName, dataPath, frames, imageSize, clips);
        var dataset = DatasetCatalog.Open(spec);
        var loader = new ClipLoader(dataset, (int)Math.Min(batchSize, dataset.Count), shuffle: false, device: Lab.Device, dropLast: false);
        AnsiConsole.MarkupLineInterpolated($"Evaluating [bold]{source.Spec.Name}[/] from {source.Path} on {spec.Name} {dataset.Shape} (T, C, H, W), {dataset.Count} clips.");

        var results = new Dictionary<string, object>();
        if (source.Model is IVideoPredictor)
        {
            var options = source.Run?.Method ?? new MethodSettings();
            var split = PredictionSettings.FromOptions(options) with { ContextFrames = context ?? PredictionSettings.FromOptions(options).ContextFrames, Horizon = horizon ?? PredictionSettings.FromOptions(options).Horizon };
            var (c, h) = split.Split(dataset.Shape.Frames);
            var accumulator = Evaluation.Predictor(source.Model, loader, c, h);
            var table = new Table().AddColumn("frame");
            var curves = accumulator.Curves();
            foreach (var name in curves.Keys) table.AddColumn(name);
            for (int t = 0; t < h; t++)
                table.AddRow([$"{c + t + 1} (+{t + 1})", .. curves.Values.Select(v => v[t].ToString("F4"))]);
            table.AddRow(["[bold]mean[/]", .. accumulator.Means().Values.Select(v => $"[bold]{v:F4}[/]")]);
            AnsiConsole.Write(table);
            results["context"] = c;
            results["horizon"] = h;
            results["means"] = accumulator.Means();
            results["curves"] = curves;
        }
        else
        {
            var entry = ModelRegistry.Get(source.Spec.Name);
            var method = ModelSetup.Method(entry, source.Model, source.Run?.Method ?? new MethodSettings());
            var sums = new Dictionary<string, double>();
            int batches = 0;
            source.Model.eval();
            using (torch.no_grad())
                foreach (var batch in loader.Epoch(0))
                {
                    using var scope = NewDisposeScope();
                    using var owned = batch;
                    foreach (var (k, v) in method.Evaluate(batch)) sums[k] = sums.GetValueOrDefault(k) + v;
                    batches++;
                }
            var means = sums.ToDictionary(kv => kv.Key, kv => kv.Value / Math.Max(1, batches));
            AnsiConsole.WriteLine(TrainCommand.Describe(means));
            results["means"] = means;
        }
        if (output is not null)
        {
            results["checkpoint"] = source.Path;
            results["data"] = spec;
            File.WriteAllText(output, JsonSerializer.Serialize(results, ModelRegistry.Json));
            AnsiConsole.MarkupLineInterpolated($"Results written to [blue]{output}[/].");
        }
        return 0;
    }
}
