using System.CommandLine;
using Spectre.Console;
using VideoLab.Training;

namespace VideoLab.Cli.Commands;

/// <summary><c>videolab runs list</c>: the run directories under a folder, with model, data, steps and losses.</summary>
public static class RunsCommand
{
    public static Command Create()
    {
        var directory = new Option<string>("--dir") { Description = "Folder holding run directories.", DefaultValueFactory = _ => "runs" };
        var list = new Command("list", "List the runs: model, data, steps, last training loss, best validation value, checkpoints.") { directory };
        list.SetAction(parse => CliErrors.Guard(() => List(parse.GetValue(directory)!)));
        return new Command("runs", "Inspect run directories.") { list };
    }

    static int List(string root)
    {
        if (!Directory.Exists(root)) throw new CliException($"No folder {root}: train something first (`videolab train`), or pass --dir.");
        var table = new Table().AddColumns("run", "model", "data", "steps", "train loss", "best val", "checkpoint", "started");
        int count = 0;
        foreach (var path in Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, RunFiles.Config))).OrderBy(d => d, StringComparer.Ordinal))
        {
            Run run;
            try { run = Run.Load(path); }
            catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException)
            {
                table.AddRow(Markup.Escape(Path.GetFileName(path)), $"[red]unreadable: {Markup.Escape(e.Message)}[/]", "", "", "", "", "", "");
                continue;
            }
            var lastTrain = run.Split("train").LastOrDefault();
            var vals = run.Split("val").Select(v => v.Values.GetValueOrDefault(run.Config.Training.MonitorMetric, double.NaN)).Where(double.IsFinite).ToList();
            double? best = vals.Count == 0 ? null : run.Config.Training.MonitorMode == "max" ? vals.Max() : vals.Min();
            table.AddRow(
                Markup.Escape(Path.GetFileName(path)),
                Markup.Escape(run.Config.Model?.Name ?? "?"),
                Markup.Escape(run.Config.Data?.Name ?? "?"),
                (run.Metrics.Count == 0 ? 0 : run.Metrics.Max(m => m.Step)).ToString(),
                lastTrain?.Values.TryGetValue("loss", out var l) == true ? l.ToString("G4") : "",
                best is double b ? $"{run.Config.Training.MonitorMetric} {b:G4}" : "",
                run.BestCheckpoint is not null ? "best" : run.LastCheckpoint is not null ? "last" : "none",
                run.Config.Created.ToString("yyyy-MM-dd HH:mm"));
            count++;
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{count} runs in {root}.");
        return 0;
    }
}
