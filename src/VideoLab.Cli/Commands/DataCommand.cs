using System.CommandLine;
using Spectre.Console;
using VideoLab.Data;
using VideoLab.Media;

namespace VideoLab.Cli.Commands;

/// <summary><c>videolab data</c>: <c>inspect PATH</c> looks inside a dataset file; <c>download NAME</c> fetches a dataset's canonical files.</summary>
static class DataCommand
{
    public static Command Create() => new("data", "Inspect dataset files and download datasets (see data/README.md).")
    {
        Inspect(),
        Download(),
    };

    static Command Inspect()
    {
        var path = new Argument<string>("path") { Description = "An IDX file (plain or .gz), an NPY file, or a video (mp4, avi, mkv, webm, gif)." };
        var command = new Command("inspect", "Print what a dataset file holds: format, count, frame size, dtype, value range; for a video: codec, frames, size, fps, duration.") { path };
        command.SetAction(parse =>
        {
            try
            {
                var found = DataInspector.Inspect(parse.GetValue(path)!);
                var table = new Table().HideHeaders().AddColumn("").AddColumn("");
                table.AddRow("file", Markup.Escape(found.Path));
                foreach (var (key, value) in found.Facts) table.AddRow(key, Markup.Escape(value));
                AnsiConsole.Write(table);
                return 0;
            }
            catch (Exception e) when (e is DataFileException or FFmpegNotFoundException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                return 1;
            }
        });
        return command;
    }

    static Command Download()
    {
        var names = DatasetSources.All.Select(d => d.Name).ToArray();
        var name = new Argument<string>("dataset") { Description = $"What to download: {string.Join(", ", names)}." };
        name.AcceptOnlyFromAmong(names);
        var output = new Option<string>("--out") { Description = "Folder that receives a sub-folder per dataset.", DefaultValueFactory = _ => "data" };
        var baseUrl = new Option<string?>("--base-url") { Description = $"A mirror serving the same file names (also {Downloader.MirrorVariable})." };
        var command = new Command("download", "Download a dataset's canonical files, verify their SHA-256, resume partial downloads.") { name, output, baseUrl };
        command.SetAction(async (parse, cancel) =>
        {
            var dataset = DatasetSources.Get(parse.GetValue(name)!);
            var downloader = new Downloader { BaseUrl = parse.GetValue(baseUrl) ?? new Downloader().BaseUrl };
            var root = parse.GetValue(output)!;
            AnsiConsole.MarkupLineInterpolated($"[bold]{dataset.Name}[/]: {dataset.About}");
            try
            {
                IReadOnlyList<string> paths = [];
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
                    .StartAsync(async context =>
                    {
                        var tasks = dataset.Files.ToDictionary(f => f.Name, f => context.AddTask(f.Name, autoStart: false, maxValue: f.Size));
                        var progress = new ProgressBars(p => { var t = tasks[p.File]; if (!t.IsStarted) t.StartTask(); t.Value = p.Received; });
                        paths = await downloader.DownloadAsync(dataset, root, progress, cancel);
                    });
                foreach (var p in paths) AnsiConsole.MarkupLineInterpolated($"[green]ok[/] {p} (SHA-256 verified)");
                var folder = Path.Combine(root, dataset.Folder);
                AnsiConsole.MarkupLineInterpolated($"Use it with --data-path {(dataset.Name == "moving-mnist" ? paths[0] : folder)}");
                return 0;
            }
            catch (DownloadException e)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>Progress reported on the downloading thread, straight to the progress bars (no synchronisation context to post to).</summary>
    sealed class ProgressBars(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
