using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using TorchSharp;
using VideoLab.Data;
using VideoLab.Metrics;
using VideoLab.Models;
using VideoLab.Runtime;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Cli.Commands;

/// <summary>
/// <c>videolab eval</c>: rebuilds a model from a checkpoint and measures it on a dataset. Predictors get MSE, MAE
/// (per frame, summed over pixels, on the raw predictions), PSNR and SSIM (on predictions clamped to [0, 1]) — OpenSTL's
/// metrics — overall and per predicted frame, beside the copy-last-frame and all-black baselines on the same clips;
/// other models their training method's validation metrics. <c>--json</c> prints one JSON object instead of tables;
/// <c>--save-predictions DIR</c> writes what Python tools and people open (see <see cref="PredictionFiles"/>).
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint file, or a run directory (its best checkpoint).", Required = true };
        var data = new Option<string?>("--data") { Description = "Dataset (default: the run's)." };
        var dataPath = new Option<string?>("--data-path") { Description = "File or folder of datasets read from disk (e.g. data/mnist_test_seq.npy, the standard Moving MNIST test set)." };
        var frames = new Option<int?>("--frames") { Description = "Frames per clip (default: the run's)." };
        var imageSize = new Option<int?>("--image-size") { Description = "Frame size (default: the run's)." };
        var context = new Option<int?>("--context") { Description = "Context frames (default: the run's)." };
        var horizon = new Option<int?>("--horizon") { Description = "Predicted frames (default: the run's; may exceed what was trained)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Clips per batch.", DefaultValueFactory = _ => 16 };
        var clips = new Option<long?>("--clips") { Description = "Clips to evaluate: the first N of a test file (default: all of it, e.g. the 10,000 of mnist_test_seq.npy), or N generated clips (default 256)." };
        var output = new Option<string?>("--out") { Description = "Also write the results as JSON to this file." };
        var json = new Option<bool>("--json") { Description = "Print the results as one JSON object (mse, mae, psnr, ssim, per-frame curves, the baselines') and nothing else." };
        var save = new Option<string?>("--save-predictions") { Description = "Predictors: write pred.npy, true.npy, inputs.npy (N, T, C, H, W as OpenSTL saves them), metrics.json, PNG strips, a GIF and an MP4, and report.html into this folder." };
        var command = new Command("eval", "Evaluate a checkpoint: MSE, MAE, PSNR, SSIM (OpenSTL's) overall and per predicted frame, beside the copy-last and all-black baselines.")
        {
            checkpoint, data, dataPath, frames, imageSize, context, horizon, batchSize, clips, output, json, save,
        };
        command.SetAction(parse => CliErrors.Guard(() => Run(new EvalRequest(
            parse.GetValue(checkpoint)!, parse.GetValue(data), parse.GetValue(dataPath), parse.GetValue(frames), parse.GetValue(imageSize),
            parse.GetValue(context), parse.GetValue(horizon), parse.GetValue(batchSize), parse.GetValue(clips), parse.GetValue(output),
            parse.GetValue(json), parse.GetValue(save)))));
        return command;
    }

    sealed record EvalRequest(string Checkpoint, string? Data, string? DataPath, int? Frames, int? ImageSize, int? Context, int? Horizon,
                              int BatchSize, long? Clips, string? Out, bool Json, string? SavePredictions);

    /// <summary>Generated clips evaluated when <c>--clips</c> is not given (a test file is evaluated whole).</summary>
    const long DefaultGeneratedClips = 256;

    /// <summary>
    /// Eval as other verbs call it (<c>videolab import --eval</c>): tables on the console; a test file is evaluated whole,
    /// <paramref name="clips"/> is the number of generated clips otherwise.
    /// </summary>
    internal static int Run(string checkpointPath, string? dataName, string? dataPath, int? frames, int? imageSize, int? context, int? horizon,
                            int batchSize, long clips, string? output) =>
        Run(new EvalRequest(checkpointPath, dataName, dataPath, frames, imageSize, context, horizon, batchSize,
                            dataPath is null ? clips : null, output, Json: false, SavePredictions: null));

    /// <summary>JSON of the results: camelCase records, and +∞ (an exactly reproduced frame's PSNR) written as "Infinity".</summary>
    internal static readonly JsonSerializerOptions ResultJson = new(ModelRegistry.Json) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    static int Run(EvalRequest r)
    {
        if (r.BatchSize <= 0 || r.Clips <= 0) throw new CliException("--batch-size and --clips must be positive.");
        var source = CheckpointSource.Open(r.Checkpoint);
        var spec = source.Data(r.Data, r.DataPath, r.Frames, r.ImageSize, r.Clips ?? DefaultGeneratedClips);
        var dataset = DatasetCatalog.Open(spec);
        if (r.Clips is long limit && dataset.Count > limit) dataset = new ClipSubset(dataset, 0, limit);  // the first N of a test file
        var loader = new ClipLoader(dataset, (int)Math.Min(r.BatchSize, dataset.Count), shuffle: false, device: Lab.Device, dropLast: false);
        if (!r.Json)
            AnsiConsole.MarkupLineInterpolated($"Evaluating [bold]{source.Spec.Name}[/] from {source.Path} on {spec.Name} {dataset.Shape} (T, C, H, W), {dataset.Count} clips.");
        if (r.SavePredictions is not null && source.Model is not IVideoPredictor)
            throw new CliException($"--save-predictions writes predictions; model '{source.Spec.Name}' does not predict clips.");

        var results = new Dictionary<string, object> { ["model"] = source.Spec.Name };
        if (source.Model is IVideoPredictor)
            EvaluatePredictor(source, loader, r, results);
        else
            EvaluateOther(source, loader, r, results);

        results["checkpoint"] = source.Path;
        results["data"] = spec;
        var text = JsonSerializer.Serialize(results, ResultJson);
        if (r.Json) Console.Out.WriteLine(text);
        if (r.Out is not null)
        {
            AtomicFile.Write(r.Out, stream => { using var writer = new StreamWriter(stream, leaveOpen: true); writer.Write(text); });
            if (!r.Json) AnsiConsole.MarkupLineInterpolated($"Results written to [blue]{r.Out}[/].");
        }
        if (r.SavePredictions is not null)
            File.WriteAllText(Path.Combine(r.SavePredictions, "metrics.json"), text);
        return 0;
    }

    static void EvaluatePredictor(CheckpointSource source, ClipLoader loader, EvalRequest r, Dictionary<string, object> results)
    {
        var options = source.Run?.Method ?? new MethodSettings();
        var settings = PredictionSettings.FromOptions(options);
        var split = settings with { ContextFrames = r.Context ?? settings.ContextFrames, Horizon = r.Horizon ?? settings.Horizon };
        var (c, h) = split.Split(loader.Dataset.Shape.Frames);
        var saved = r.SavePredictions is null ? null : new PredictionFiles(r.SavePredictions);
        var models = new List<(string Name, nn.Module Model)> { (source.Spec.Name, source.Model) };
        models.AddRange(Baselines.Create());
        var accumulators = Evaluation.Predictors(models, loader, c, h,
            onBatch: saved is null ? null : (batch, predictions) => saved.Add(batch, predictions[source.Spec.Name], c));

        var model = accumulators[source.Spec.Name];
        results["context"] = c;
        results["horizon"] = h;
        results["clips"] = model.Clips;
        foreach (var (metric, value) in model.Means()) results[metric] = value;
        results["means"] = model.Means();  // the same numbers, as earlier versions wrote them
        results["curves"] = model.Curves();
        results["baselines"] = Baselines.Create().ToDictionary(b => b.Name, b => (object)new Dictionary<string, object>(
            accumulators[b.Name].Means().Select(kv => KeyValuePair.Create(kv.Key, (object)kv.Value)))
        {
            ["curves"] = accumulators[b.Name].Curves(),
        });
        if (!r.Json) PrintTables(accumulators, source.Spec.Name, c, h);
        if (saved is not null)
        {
            var means = accumulators.ToDictionary(kv => kv.Key, kv => kv.Value.Means());
            var curves = accumulators[source.Spec.Name].Curves().ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var name in BaselineViewNames())
                foreach (var (metric, values) in accumulators[name].Curves()) curves[$"{name}/{metric}"] = values;
            foreach (var written in saved.Finish(source.Spec.Name, means, curves, $"{source.Spec.Name} on {model.Clips} clips, {c} → {h}"))
                if (!r.Json) AnsiConsole.MarkupLineInterpolated($"Wrote [blue]{written}[/]");
        }
    }

    static IEnumerable<string> BaselineViewNames() => Plots.BaselineViews.Names;

    static void PrintTables(IReadOnlyDictionary<string, MetricAccumulator> accumulators, string model, int context, int horizon)
    {
        var overall = new Table().AddColumn("model");
        foreach (var metric in FrameMetrics.Names) overall.AddColumn(metric);
        foreach (var (name, accumulator) in accumulators)
        {
            var means = accumulator.Means();
            overall.AddRow([name == model ? $"[bold]{name}[/]" : name, .. FrameMetrics.Names.Select(m => means.TryGetValue(m, out var v) ? v.ToString("F4", CultureInfo.InvariantCulture) : "—")]);
        }
        AnsiConsole.Write(overall);

        var curves = accumulators[model].Curves();
        var perFrame = new Table().AddColumn("frame");
        foreach (var name in curves.Keys) perFrame.AddColumn(name);
        var beside = BaselineViewNames().SelectMany(b => new[] { "mse", "ssim" }.Where(curves.ContainsKey).Select(m => (b, m))).ToList();
        foreach (var (b, m) in beside) perFrame.AddColumn($"{m} ({(b == Baselines.CopyLast ? "copy" : "black")})");
        for (int t = 0; t < horizon; t++)
            perFrame.AddRow([$"{context + t + 1} (+{t + 1})", .. curves.Values.Select(v => v[t].ToString("G4", CultureInfo.InvariantCulture)),
                             .. beside.Select(p => accumulators[p.b].Curves()[p.m][t].ToString("G4", CultureInfo.InvariantCulture))]);
        AnsiConsole.Write(perFrame);
        const string legend = "MSE and MAE per frame, summed over its pixels, on the raw predictions; PSNR and SSIM on predictions clamped to [0, 1] " +
                              "(OpenSTL's metrics). copy = copy-last-frame, black = all-black.";
        AnsiConsole.MarkupLineInterpolated($"[grey]{legend}[/]");
    }

    static void EvaluateOther(CheckpointSource source, ClipLoader loader, EvalRequest r, Dictionary<string, object> results)
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
        if (!r.Json) AnsiConsole.WriteLine(TrainCommand.Describe(means));
        results["means"] = means;
    }

}
