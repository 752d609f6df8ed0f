using System.Diagnostics;

namespace VideoLab.Tests.References;

/// <summary>
/// Runs a reference script in Debian's Python (<c>/usr/bin/python3</c>, which sees python3-numpy, python3-torch
/// and python3-skimage; the pyenv <c>python3</c> on PATH does not). Tests that check VideoLab against NumPy,
/// scikit-image, PyTorch or OpenSTL's formulas run the reference through this, so its numbers are computed,
/// never copied by hand. A missing package is a failure that names the Debian package, not a skip.
/// </summary>
static class DebianPython
{
    const string Interpreter = "/usr/bin/python3";

    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/> (sys.argv[1:]); returns its stdout, or throws with its stderr.</summary>
    public static string Run(string script, params string[] args) => Start(["-c", script, .. args]);

    /// <summary>
    /// Runs a script file of tests/VideoLab.Tests/References (copied beside the test assembly) with <paramref name="args"/>;
    /// returns its stdout, or throws with its stderr.
    /// </summary>
    public static string RunFile(string scriptName, params string[] args)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "References", scriptName);
        if (!File.Exists(path)) throw new FileNotFoundException($"Reference script {scriptName} is not beside the test assembly ({path}).", path);
        return Start([path, .. args]);
    }

    static string Start(IEnumerable<string> arguments)
    {
        if (!File.Exists(Interpreter))
            throw new InvalidOperationException($"{Interpreter} not found: install Debian's python3 (tests/run installs tests/system-packages.txt).");
        var start = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in arguments) start.ArgumentList.Add(arg);
        start.Environment["OMP_NUM_THREADS"] = "1";  // reference scripts are small; keep them off the test runner's cores
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Interpreter} reference script ran longer than 3 minutes:\n{stderr.Result}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Interpreter} reference script failed (exit {process.ExitCode}); " +
                                                $"a missing module means a Debian package is missing (python3-numpy, python3-torch, python3-skimage):\n{stderr.Result}");
        return stdout.Result;
    }
}
