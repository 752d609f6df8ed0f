using System.CommandLine;
using Spectre.Console;
using VideoLab.Interop;
using VideoLab.Models;

namespace VideoLab.Cli.Commands;

/// <summary>
/// <c>videolab export</c>: a checkpoint's model weights as a file PyTorch reads: <c>safetensors</c> (VideoLab's names,
/// the model's config in the metadata, so <c>videolab import --from videolab</c> rebuilds it) or <c>pytorch</c> (a
/// torch.save state_dict, under OpenSTL's names where OpenSTL has the model, with its model arguments beside it).
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint file, or a run directory (its best checkpoint).", Required = true };
        var format = new Option<WeightFormat>("--format") { Description = "safetensors or pytorch (a torch.save state_dict).", Required = true };
        var names = new Option<WeightNames?>("--names") { Description = "Parameter names: videolab or openstl (default: openstl for pytorch where OpenSTL has the model, else videolab)." };
        var output = new Option<string?>("--out") { Description = "File to write (default: beside the checkpoint, <model>.safetensors or <model>.pth)." };
        var command = new Command("export", "Export a checkpoint's weights for PyTorch: safetensors (with the config) or a torch.save state_dict.")
        {
            checkpoint, format, names, output,
        };
        command.SetAction(parse => CliErrors.Guard(() => Run(parse.GetValue(checkpoint)!, parse.GetValue(format), parse.GetValue(names), parse.GetValue(output))));
        return command;
    }

    static int Run(string checkpointPath, WeightFormat format, WeightNames? names, string? output)
    {
        var source = CheckpointSource.Open(checkpointPath);
        var config = ModelRegistry.Get(source.Spec.Name).ConfigFromJson(source.Spec.ConfigJson);
        var chosen = names ?? (format == WeightFormat.PyTorch && OpenStlNamesFit(config) ? WeightNames.OpenStl : WeightNames.VideoLab);
        output ??= Path.Combine(source.RunDirectory ?? Path.GetDirectoryName(Path.GetFullPath(source.Path))!,
                                source.Spec.Name + (format == WeightFormat.Safetensors ? ".safetensors" : ".pth"));
        var files = ModelWeights.Export(source.Spec, source.Model, output, format, chosen);
        AnsiConsole.MarkupLineInterpolated($"Wrote the weights of [bold]{source.Spec.Name}[/] under {(chosen == WeightNames.OpenStl ? "OpenSTL's" : "VideoLab's")} names to [blue]{files[0]}[/].");
        foreach (var extra in files.Skip(1)) AnsiConsole.MarkupLineInterpolated($"OpenSTL's model arguments: [blue]{extra}[/].");
        if (format == WeightFormat.PyTorch)
            AnsiConsole.MarkupLineInterpolated($"In Python: model.load_state_dict(torch.load('{files[0]}'))");
        return 0;
    }

    /// <summary>True when OpenSTL has this model and this config (a ConvLSTM with gate biases, for one, it has not).</summary>
    static bool OpenStlNamesFit(object config)
    {
        try { return OpenStl.Layout(config) is not null; }
        catch (ArgumentException) { return false; }
    }
}
