using System.Diagnostics;

namespace VideoLab.Notebooks.Tests;

/// <summary>Runs a program to completion and returns its exit code and output.</summary>
static class Processes
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    public static async Task<Outcome> Run(string program, IEnumerable<string> args, TimeSpan timeout,
                                          IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(" ", args)} ran longer than {timeout}:\n{await stdout}\n{await stderr}");
        }
        return new Outcome(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Debian's nbformat validator: throws with its message if the file is not a valid notebook.</summary>
    public static async Task AssertValidNotebook(string path)
    {
        var result = await Run("/usr/bin/python3",
            ["-c", "import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", path],
            TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"nbformat.validate rejected {path}:\n{result}");
    }
}
