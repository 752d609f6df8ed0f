using System.CommandLine;
using Spectre.Console;
using VideoLab.Plots;

namespace VideoLab.Cli.Commands;

/// <summary>
/// <c>videolab render RUN [--out FILE]</c>: one self-contained HTML gallery of a run directory
/// (default <c>RUN/gallery.html</c>); <c>videolab render --compare RUN RUN ...</c>: a side-by-side page
/// (default <c>compare.html</c> in the current folder). Pages open from disk with no network.
/// </summary>
static class RenderCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("runs") { Description = "Run directories (runs/<name>).", Arity = ArgumentArity.OneOrMore };
        var compare = new Option<bool>("--compare") { Description = "Write one page comparing the runs side by side." };
        var output = new Option<string?>("--out") { Description = "HTML file to write (default: RUN/gallery.html, or compare.html with --compare)." };
        var command = new Command("render", "Render a run directory (or several, with --compare) as a self-contained HTML gallery.")
        {
            runs, compare, output,
        };
        command.SetAction(parse => Run(parse.GetValue(runs)!, parse.GetValue(compare), parse.GetValue(output)));
        return command;
    }

    static int Run(string[] runs, bool compare, string? output)
    {
        if (!compare && runs.Length != 1)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] render takes one run directory; got {runs.Length}. Use --compare to put several on one page.");
            return 2;
        }
        if (compare && runs.Length < 2)
        {
            AnsiConsole.MarkupLine("[red]error:[/] --compare needs at least two run directories.");
            return 2;
        }
        try
        {
            var path = output ?? (compare ? "compare.html" : Path.Combine(runs[0], "gallery.html"));
            var page = compare ? RunGallery.Compare(runs) : RunGallery.ForRun(runs[0], path);
            var written = page.Save(path);
            AnsiConsole.MarkupLineInterpolated($"wrote [green]{written}[/] ({new FileInfo(written).Length / 1024.0 / 1024.0:F1} MB)");
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }
    }
}
