using System.Diagnostics;

namespace VideoLab.Sweeps;

/// <summary>What a Slurm command printed and returned.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public bool Ok => ExitCode == 0;

    /// <summary>The error text, else the output, on one line (for messages).</summary>
    public string Message => (string.IsNullOrWhiteSpace(Error) ? Output : Error).Trim().ReplaceLineEndings(" ");
}

/// <summary>Runs Slurm's client commands (sbatch, squeue, sacct, scontrol) found on PATH, with a time limit.</summary>
public static class SlurmCommands
{
    /// <summary>The full path of <paramref name="tool"/> on PATH, or null.</summary>
    public static string? Find(string tool)
    {
        if (Path.IsPathRooted(tool)) return File.Exists(tool) ? tool : null;
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, tool);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The full path of <paramref name="tool"/>, or a <see cref="SweepException"/> saying what to do without it.</summary>
    public static string Require(string tool) => Find(tool) ?? throw new SweepException(
        $"{tool} is not on PATH: this machine is not a Slurm client. Run on the cluster's login node, write the batch script only with --dry-run, " +
        "or use --executor local. (A one-node cluster for trying it: sudo bash tests/slurm/start, see the README.)");

    /// <summary>Runs <paramref name="tool"/>; a tool that is missing or does not answer within <paramref name="timeoutSeconds"/> is a <see cref="SweepException"/>.</summary>
    public static CommandResult Run(string tool, IEnumerable<string> arguments, int timeoutSeconds = 60)
    {
        var path = Require(tool);
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            throw new SweepException($"{tool} did not answer within {timeoutSeconds} s: is slurmctld reachable (`sinfo`)?");
        }
        process.WaitForExit();
        return new CommandResult(process.ExitCode, output.Result, error.Result);
    }
}
