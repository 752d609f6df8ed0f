using System.CommandLine;
using Spectre.Console;
using VideoLab.Models;
using VideoLab.Runtime;

namespace VideoLab.Cli.Commands;

/// <summary><c>videolab models</c>: every registered model with its family and parameter counts (default and tiny size).</summary>
static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List the registered models: name, family, parameters at the default and the tiny size, beside OpenSTL's published count.");
        command.SetAction(_ => Run());
        return command;
    }

    static int Run()
    {
        _ = Lab.Device;  // makes TorchSharp loadable before the first module is built
        var table = new Table().AddColumns("name", "family", "parameters (default)", "parameters (tiny)", "OpenSTL", "summary");
        foreach (var entry in ModelRegistry.All)
            table.AddRow(Markup.Escape(entry.Name), entry.Family.ToString(),
                         Format(Count(entry, entry.DefaultConfig)), Format(Count(entry, entry.TinyConfig)),
                         ModelRegistry.OpenStlParameters.GetValueOrDefault(entry.Name, ""),
                         Markup.Escape(entry.Summary));
        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>Trainable parameters of the model built from <paramref name="config"/> (built on the CPU, then freed).</summary>
    internal static long Count(ModelEntry entry, object config)
    {
        using var model = entry.Build(config);
        return model.parameters().Sum(p => p.numel());
    }

    static string Format(long n) => n >= 1_000_000 ? $"{n / 1e6:F2}M" : n >= 1_000 ? $"{n / 1e3:F1}K" : n.ToString();
}
