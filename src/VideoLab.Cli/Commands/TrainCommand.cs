using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;
using TorchSharp;
using VideoLab.Data;
using VideoLab.Models;
using VideoLab.Runtime;
using VideoLab.Training;

namespace VideoLab.Cli.Commands;

/// <summary>
/// <c>videolab train</c>: trains a registered model on a named dataset and writes a run directory.
/// With no arguments it is the README's main job: ConvLSTM (tiny size) on the built-in bouncing shapes,
/// 32×32 colour frames, 5 → 5, on the CPU for 3 minutes (the <c>cpu</c> recipe). <c>--recipe openstl</c> (or
/// <c>reference</c>) trains with the model's published setting (<see cref="TrainingRecipes"/>); any option given on the
/// command line changes that value, and config.json records the recipe, every value used and what was changed.
/// </summary>
public static class TrainCommand
{
    /// <summary>Exit codes of every verb: 0 done, 1 training failed, 2 bad arguments or input, 130 interrupted (Ctrl-C, after saving).</summary>
    public const int Failed = 1, BadInput = 2, Interrupted = 130;

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Registered model (see `videolab models`).", DefaultValueFactory = _ => "convlstm" };
        var data = new Option<string>("--data") { Description = $"Dataset: {string.Join(", ", DatasetCatalog.Names)}.", DefaultValueFactory = _ => "shapes" };
        var recipe = new Option<string>("--recipe") { Description = "Training recipe: cpu (quick CPU setting: tiny model, 32×32, 5 → 5, 3 minutes), reference (the model's published setting), or its name (openstl, videogpt, mocogan). Options below change single values.", DefaultValueFactory = _ => "cpu" };
        var size = new Option<ModelSize?>("--size") { Description = "Model size: default (the published size) or tiny (CPU tutorials, tests). Default: the recipe's." };
        var set = new Option<string[]>("--set") { Description = "Override a model config field, e.g. --set hiddenChannels=32 (repeatable; see the model's config record).", AllowMultipleArgumentsPerToken = false };
        var option = new Option<string[]>("--option") { Description = "A training-method option, e.g. --option vqvae=runs/v/checkpoints/best.ckpt for vqvae-prior, --option teacher-decay=0.3 (repeatable).", AllowMultipleArgumentsPerToken = false };
        var steps = new Option<long?>("--steps") { Description = "Budget: optimisation steps." };
        var epochs = new Option<int?>("--epochs") { Description = "Budget: passes over the training clips." };
        var minutes = new Option<double?>("--minutes") { Description = "Budget: wall-clock minutes. Any budget option replaces the recipe's (cpu: 3 minutes)." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Clips per batch (default: the recipe's)." };
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default: the recipe's)." };
        var lrD = new Option<double?>("--lr-d") { Description = "A GAN's discriminator learning rate (default: --lr)." };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "Weight decay (default: the recipe's; with the cpu recipe it switches Adam to AdamW)." };
        var schedule = new Option<LrSchedule?>("--schedule") { Description = "LR schedule: constant, onecycle, warmupcosine (default: the recipe's)." };
        var seed = new Option<long>("--seed") { Description = "Seed of every random number generator.", DefaultValueFactory = _ => 42 };
        var output = new Option<string?>("--out") { Description = "Run directory (default runs/<model>-<data>-<timestamp>)." };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Write checkpoints/last every N steps.", DefaultValueFactory = _ => 100 };
        var validateEvery = new Option<int>("--validate-every") { Description = "Validate (and write samples) every N steps.", DefaultValueFactory = _ => 100 };
        var validationBatches = new Option<int>("--validation-batches") { Description = "Batches per validation (from the last 64 clips, held out).", DefaultValueFactory = _ => 4 };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this directory from its last checkpoint (its config.json gives model, data and settings; a new budget, counted from the start of the run, may be given)." };
        var clipGrad = new Option<double?>("--clip-grad") { Description = "Clip the gradient norm to this value." };
        var context = new Option<int?>("--context") { Description = "Context frames (default: half the clip)." };
        var horizon = new Option<int?>("--horizon") { Description = "Predicted frames (default: the rest of the clip)." };
        var dataPath = new Option<string?>("--data-path") { Description = "File or folder of datasets read from disk." };
        var frames = new Option<int?>("--frames") { Description = "Frames per clip (default: the recipe's)." };
        var imageSize = new Option<int?>("--image-size") { Description = "Frame height and width (default: the recipe's)." };
        var fixedClips = new Option<bool>("--fixed-clips") { Description = "Generated data: train on the same clips every epoch instead of new ones (OpenSTL draws new Moving MNIST clips every epoch)." };

        var command = new Command("train", "Train a model on a dataset; writes config.json, metrics.jsonl, checkpoints and samples to a run directory.")
        {
            model, data, recipe, size, set, option, steps, epochs, minutes, batchSize, lr, lrD, weightDecay, schedule, seed, output, checkpointEvery,
            validateEvery, validationBatches, resume, clipGrad, context, horizon, dataPath, frames, imageSize, fixedClips,
        };
        command.SetAction(parse =>
        {
            var request = new TrainRequest(
                parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(recipe)!, parse.GetValue(size), parse.GetValue(set) ?? [], parse.GetValue(option) ?? [], parse.GetValue(steps), parse.GetValue(epochs),
                parse.GetValue(minutes), parse.GetValue(batchSize), parse.GetValue(lr), parse.GetValue(lrD), parse.GetValue(weightDecay), parse.GetValue(schedule),
                parse.GetValue(seed), parse.GetValue(output), parse.GetValue(checkpointEvery), parse.GetValue(validateEvery), parse.GetValue(validationBatches),
                parse.GetValue(resume), parse.GetValue(clipGrad), parse.GetValue(context), parse.GetValue(horizon),
                parse.GetValue(dataPath), parse.GetValue(frames), parse.GetValue(imageSize), parse.GetValue(fixedClips));
            return CliErrors.Guard(() => Run(request));
        });
        return command;
    }

    /// <summary>Everything the command line says.</summary>
    sealed record TrainRequest(string Model, string Data, string Recipe, ModelSize? Size, string[] Set, string[] Options, long? Steps, int? Epochs, double? Minutes,
                               int? BatchSize, double? LearningRate, double? DiscriminatorLearningRate, double? WeightDecay, LrSchedule? Schedule, long Seed,
                               string? Out, int CheckpointEvery, int ValidateEvery, int ValidationBatches, string? Resume, double? ClipGrad, int? Context,
                               int? Horizon, string? DataPath, int? Frames, int? ImageSize, bool FixedClips);

    /// <summary>Held-out validation clips (the last ones of the dataset).</summary>
    const int ValidationClips = 64;

    static int Run(TrainRequest r)
    {
        if (r.BatchSize <= 0) throw new CliException($"--batch-size must be positive, got {r.BatchSize}.");
        if (r.Frames < 2) throw new CliException($"--frames must be at least 2 (context and future), got {r.Frames}.");
        if (r.ImageSize < 4) throw new CliException($"--image-size must be at least 4, got {r.ImageSize}.");
        if (r.ValidationBatches <= 0) throw new CliException($"--validation-batches must be positive, got {r.ValidationBatches}.");
        if (r.LearningRate <= 0) throw new CliException($"--lr must be positive, got {r.LearningRate}.");
        if (r.DiscriminatorLearningRate <= 0) throw new CliException($"--lr-d must be positive, got {r.DiscriminatorLearningRate}.");

        // A new run, or the saved description of the run to resume; the budget may be extended.
        RunConfig? previous = r.Resume is null ? null : Run_(r.Resume).Config;
        string directory = r.Resume ?? r.Out ?? Path.Combine("runs", $"{r.Model}-{r.Data}-{DateTime.Now:yyyyMMdd-HHmmss}");
        if (r.Resume is null && File.Exists(Path.Combine(directory, RunFiles.Config)))
            throw new CliException($"{directory} already holds a run: continue it with --resume {directory}, or choose another --out.");
        var recipe = previous is null ? Recipe(r) : previous.Recipe;
        var dataSpec = previous?.Data ?? new DataSpec(r.Data, r.DataPath, recipe!.Frames, recipe.ImageSize, Count: recipe.ClipsPerEpoch + ValidationClips,
                                                      Seed: r.Seed, FreshEachEpoch: !r.FixedClips);
        var options = Pairs(r.Options, "--option");
        if (r.Context is int c) options["context"] = c.ToString(CultureInfo.InvariantCulture);
        if (r.Horizon is int h) options["horizon"] = h.ToString(CultureInfo.InvariantCulture);
        var methodSettings = previous?.Method ?? recipe!.ToMethodSettings(options);
        bool anyBudget = r.Steps is not null || r.Epochs is not null || r.Minutes is not null;
        var settings = previous is null
            ? recipe!.ApplyTo(new TrainerSettings(Seed: r.Seed, ValidateEvery: r.ValidateEvery, ValidationBatches: r.ValidationBatches,
                                                  CheckpointEvery: r.CheckpointEvery, ClipGradNorm: r.ClipGrad))
            : anyBudget ? previous.Training with { Steps = r.Steps, Epochs = r.Epochs, Minutes = r.Minutes } : previous.Training;
        settings.Validate();
        int batchSize = recipe?.BatchSize ?? previous?.BatchSize ?? r.BatchSize ?? TrainingRecipes.Cpu.BatchSize;

        AnsiConsole.MarkupLineInterpolated($"[grey]{Lab.Report()}[/]");
        var dataset = DatasetCatalog.Open(dataSpec);
        var (trainClips, validationClips) = ClipSubset.Split(dataset, ValidationClips, dataSpec.FreshEachEpoch);
        var prediction = PredictionSettings.FromOptions(methodSettings);
        var (contextFrames, horizonFrames) = prediction.Split(dataset.Shape.Frames);

        Lab.Seed(settings.Seed);
        var entry = ModelRegistry.Get(previous?.Model?.Name ?? r.Model);
        (ModelSpec spec, torch.nn.Module module) = previous?.Model is { } saved
            ? (saved, entry.BuildFromJson(saved.ConfigJson).to(Lab.Device))
            : ModelSetup.Build(entry.Name, recipe!.Size, dataset.Shape, contextFrames, horizonFrames, Lab.Device, Pairs(r.Set, "--set"));
        var method = ModelSetup.Method(entry, module, methodSettings);

        var train = new ClipLoader(trainClips, Math.Min(batchSize, (int)trainClips.Count), shuffle: true, seed: settings.Seed, device: Lab.Device);
        var validation = new ClipLoader(validationClips, Math.Min(batchSize, (int)validationClips.Count), shuffle: false, device: Lab.Device);
        string? resumeFrom = r.Resume is null ? null : RunFiles.LastCheckpointPath(r.Resume);
        if (resumeFrom is not null && !File.Exists(resumeFrom)) throw new CliException($"{r.Resume} has no {RunFiles.Checkpoints}/{RunFiles.LastCheckpoint} to resume from.");

        var trainer = new Trainer(method, settings)
        { RunDirectory = directory, Model = spec, Data = dataSpec, MethodSettings = methodSettings, ResumeFrom = resumeFrom, Recipe = recipe };
        long parameters = module.parameters().Sum(p => p.numel());
        string sizeName = previous is null ? recipe!.Size.ToString().ToLowerInvariant() : "resumed";
        if (recipe is not null)
            AnsiConsole.MarkupLineInterpolated($"Recipe [bold]{recipe.Name}[/]{(recipe.Changed is { Count: > 0 } changed ? $" (changed: {string.Join(", ", changed)})" : "")}: {recipe.Source}");
        AnsiConsole.MarkupLineInterpolated(
            $"Training [bold]{spec.Name}[/] ({sizeName}, {parameters:N0} parameters) on [bold]{dataSpec.Name}[/] {dataset.Shape} (T, C, H, W), {contextFrames} → {horizonFrames} frames, batch {train.BatchSize}, {Budget(settings)}. Run directory: [blue]{directory}[/]");

        using var cancel = new CancellationTokenSource();
        void Stop(string signal)
        {
            if (!cancel.IsCancellationRequested) Console.Error.WriteLine($"{signal}: stopping after the step under way and saving last.ckpt.");
            cancel.Cancel();
        }
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; Stop("Ctrl-C"); };
        Console.CancelKeyPress += onCancel;
        // SIGTERM (a scheduler's preemption or requeue, `kill`) stops the run as Ctrl-C does: last.ckpt is saved first.
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; Stop("SIGTERM"); });
        try
        {
            var result = LiveProgress.Run(trainer, settings, train, validation, cancel.Token);
            var validationText = result.LastValidation is { } v ? $", validation {Describe(v)}" : "";
            AnsiConsole.MarkupLineInterpolated(
                $"Stopped after {result.Steps} steps ({result.Reason}), {result.Seconds:F0} s. Last loss {result.LastLosses.GetValueOrDefault("loss"):G4}{validationText}.");
            WriteGallery(directory);
            AnsiConsole.MarkupLineInterpolated($"Run directory: [blue]{directory}[/] (resume with `videolab train --resume {directory}`)");
            return result.Reason == StopReason.Cancelled ? Interrupted : 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The recipe named by --recipe for the model, with every value the command line gives changed (and listed in <see cref="TrainingRecipe.Changed"/>).</summary>
    static TrainingRecipe Recipe(TrainRequest r)
    {
        var named = TrainingRecipes.Get(r.Recipe, ModelRegistry.Get(r.Model).Name);
        var changed = new List<string>();
        T Pick<T>(T? given, T value, string option) where T : struct
        {
            if (given is not T v || EqualityComparer<T>.Default.Equals(v, value)) return value;
            changed.Add(option);
            return v;
        }
        bool anyBudget = r.Steps is not null || r.Epochs is not null || r.Minutes is not null;
        if (anyBudget) changed.Add("budget");
        var used = named with
        {
            Size = Pick(r.Size, named.Size, "--size"),
            BatchSize = Pick(r.BatchSize, named.BatchSize, "--batch-size"),
            LearningRate = Pick(r.LearningRate, named.LearningRate, "--lr"),
            WeightDecay = Pick(r.WeightDecay, named.WeightDecay, "--weight-decay"),
            Schedule = Pick(r.Schedule, named.Schedule, "--schedule"),
            Frames = Pick(r.Frames, named.Frames, "--frames"),
            ImageSize = Pick(r.ImageSize, named.ImageSize, "--image-size"),
            DiscriminatorLearningRate = r.DiscriminatorLearningRate is double d ? d : named.DiscriminatorLearningRate,
            Epochs = anyBudget ? r.Epochs : named.Epochs,
            Steps = anyBudget ? r.Steps : named.Steps,
            Minutes = anyBudget ? r.Minutes : named.Minutes,
        };
        if (r.DiscriminatorLearningRate is not null) changed.Add("--lr-d");
        return used with { Changed = changed };
    }

    /// <summary>The run's gallery page (loss curves, per-horizon metrics, sample clips); a failure here does not fail the run.</summary>
    static void WriteGallery(string directory)
    {
        var path = Path.Combine(directory, "gallery.html");
        try
        {
            Plots.RunGallery.ForRun(directory, path).Save(path);
            AnsiConsole.MarkupLineInterpolated($"Gallery: [blue]{path}[/]");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] no gallery ({e.Message}); `videolab render {directory}` retries.");
        }
    }

    /// <summary>"name=value" pairs of --set and --option.</summary>
    static Dictionary<string, string> Pairs(string[] pairs, string option) => pairs.Select(p =>
    {
        int eq = p.IndexOf('=');
        if (eq <= 0) throw new CliException($"{option} takes name=value (e.g. {option} hiddenChannels=32), got '{p}'.");
        return (Key: p[..eq].Trim(), Value: p[(eq + 1)..].Trim());
    }).ToDictionary(kv => kv.Key, kv => kv.Value);

    static Run Run_(string directory) =>
        Directory.Exists(directory) ? Training.Run.Load(directory) : throw new CliException($"--resume {directory}: no such run directory.");

    static string Budget(TrainerSettings s) => string.Join(" or ", new[]
    {
        s.Steps is long st ? $"{st} steps" : null,
        s.Epochs is int e ? $"{e} epochs" : null,
        s.Minutes is double m ? $"{m:G3} minutes" : null,
    }.Where(x => x is not null));

    /// <summary>
    /// "loss 0.01, mse 23.4, … (copy-last: mse 40.1, ssim 0.61; all-black: …)": the overall values, the baselines' MSE and SSIM
    /// in brackets (per-horizon keys such as "mse@3" are left to charts and eval).
    /// </summary>
    internal static string Describe(IReadOnlyDictionary<string, double> values)
    {
        var own = string.Join(", ", values.Where(kv => !kv.Key.Contains('@') && !Plots.BaselineViews.IsBaselineKey(kv.Key)).Select(kv => $"{kv.Key} {kv.Value:G4}"));
        var baselines = Plots.BaselineViews.Names
            .Select(b => (b, Keys: new[] { "mse", "ssim" }.Where(m => values.ContainsKey($"{b}/{m}")).ToList()))
            .Where(x => x.Keys.Count > 0)
            .Select(x => $"{x.b}: {string.Join(", ", x.Keys.Select(m => $"{m} {values[$"{x.b}/{m}"]:G4}"))}").ToList();
        return baselines.Count == 0 ? own : $"{own} ({string.Join("; ", baselines)})";
    }
}
