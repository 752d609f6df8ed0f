using System.CommandLine;
using Spectre.Console;
using VideoLab.Interop;
using VideoLab.Models;
using VideoLab.Runtime;
using VideoLab.Training;

namespace VideoLab.Cli.Commands;

/// <summary>
/// <c>videolab import</c>: PyTorch weights → a VideoLab run directory (config.json, checkpoints/best.ckpt) that
/// <c>eval</c>, <c>sample</c>, <c>predict</c> and <c>export</c> read. From OpenSTL (ConvLSTM, PredRNN, SimVP-gSTA, TAU:
/// a checkpoint in any of its layouts plus its model arguments), from VideoLab's own exports, and from VideoGPT (refused,
/// with the reason). <c>--eval FILE</c> scores the imported predictor on a Moving MNIST test file right away.
/// </summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "Where the weights come from: openstl, videolab (a VideoLab export) or videogpt.", Required = true };
        var model = new Option<string?>("--model") { Description = $"The model: for openstl one of {string.Join(", ", OpenStl.Models)}; for videolab a registry name (when the file does not say)." };
        var checkpoint = new Option<string>("--checkpoint") { Description = "The weight file: .pth/.pt/.ckpt (torch.save; OpenSTL's layouts) or .safetensors.", Required = true };
        var config = new Option<string?>("--config") { Description = "openstl: its model arguments as JSON (model_param.json: in_shape, hid_S, num_hidden, patch_size, …); videolab: the model's config JSON." };
        var output = new Option<string>("--out") { Description = "Run directory to create (must not exist or be empty).", Required = true };
        var evaluate = new Option<string?>("--eval") { Description = "Then evaluate on this Moving MNIST test file (mnist_test_seq.npy), as `videolab eval --data-path FILE` does." };
        var budget = new Option<double?>("--memory-budget") { Description = "Refuse weight files holding more than this many GB of tensors (default: half the available memory)." };
        var command = new Command("import", "Import PyTorch weights (OpenSTL checkpoints, VideoLab exports) as a VideoLab run directory.")
        {
            from, model, checkpoint, config, output, evaluate, budget,
        };
        command.SetAction(parse => CliErrors.Guard(() => Run(parse.GetValue(from)!, parse.GetValue(model), parse.GetValue(checkpoint)!,
            parse.GetValue(config), parse.GetValue(output)!, parse.GetValue(evaluate), parse.GetValue(budget))));
        return command;
    }

    static int Run(string from, string? model, string checkpoint, string? config, string output, string? evaluate, double? budgetGb)
    {
        long? budget = budgetGb is double gb ? (gb > 0 ? (long)(gb * 1e9) : throw new CliException("--memory-budget must be positive.")) : null;
        ImportedModel imported;
        switch (from.ToLowerInvariant())
        {
            case "openstl":
                if (model is null || config is null)
                    throw new CliException($"--from openstl needs --model ({string.Join(", ", OpenStl.Models)}) and --config (OpenSTL's model arguments as JSON, e.g. its model_param.json).");
                imported = OpenStl.Import(model, checkpoint, OpenStlArgs.Load(config), budget, Lab.Device);
                break;
            case "videolab":
                ModelSpec? spec = null;
                if (model is not null)
                    spec = new ModelSpec(ModelRegistry.Get(model).Name, config is null
                        ? throw new CliException("--from videolab with --model also needs --config (the model's config JSON, as a run's config.json holds it under model.config).")
                        : File.ReadAllText(config));
                imported = ModelWeights.Import(checkpoint, spec, budget, Lab.Device);
                break;
            case "videogpt":
                using (var file = WeightFiles.Read(checkpoint, budget)) throw VideoGptVqVae.Refusal(file);
            default:
                throw new CliException($"Unknown source '{from}'; expected openstl, videolab or videogpt.");
        }

        var predictor = imported.Model as PredictorModule;
        var predictorConfig = ModelRegistry.Get(imported.Spec.Name).ConfigFromJson(imported.Spec.ConfigJson) as IPredictorConfig;
        var origin = new Dictionary<string, string> { ["from"] = from.ToLowerInvariant(), ["checkpoint"] = Path.GetFullPath(checkpoint) };
        if (config is not null) origin["config"] = Path.GetFullPath(config);
        ImportedRun.Write(output, imported,
                          predictorConfig is null ? null : ImportedRun.DataFor(predictorConfig),
                          predictorConfig is null ? new MethodSettings() : ImportedRun.MethodFor(predictorConfig), origin);

        long parameters = imported.Model.parameters().Sum(p => p.numel());
        AnsiConsole.MarkupLineInterpolated($"Imported [bold]{imported.Spec.Name}[/] ({parameters:N0} parameters) from {checkpoint} into [blue]{output}[/].");
        foreach (var note in imported.Notes) AnsiConsole.MarkupLineInterpolated($"  {note}");
        if (evaluate is not null)
        {
            if (predictor is null) throw new CliException($"--eval scores predictors; '{imported.Spec.Name}' is not one.");
            return EvalCommand.Run(output, "moving-mnist", evaluate, null, null, null, null, 16, 256, null);
        }
        if (predictorConfig is not null)
            AnsiConsole.MarkupLineInterpolated($"Evaluate it: videolab eval --checkpoint {output} --data-path mnist_test_seq.npy");
        return 0;
    }
}
