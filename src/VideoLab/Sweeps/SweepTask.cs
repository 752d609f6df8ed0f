using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using VideoLab.Training;

namespace VideoLab.Sweeps;

/// <summary>
/// One run of a sweep, as every executor starts it (<c>videolab sweep task DIR --index I</c>: a local worker or a
/// Slurm array task). It decides how to start — skip a run that is done, resume one that has <c>checkpoints/last.ckpt</c>
/// (<c>videolab train --resume</c>, exact on the CPU), start afresh otherwise (clearing what an attempt left before its
/// first checkpoint) — runs <c>videolab train</c> as a child process with the run's thread count, appends its output to
/// <c>logs/NAME.log</c>, and records the outcome in <c>tasks/NAME.json</c>.
/// <para>
/// Signals: SIGTERM (Slurm's preemption, <c>scontrol requeue</c>, the batch script's time-limit trap) and SIGINT (Ctrl-C)
/// are passed on to train, which saves <c>last.ckpt</c> and exits with 130; this process outlives train to record that.
/// </para>
/// </summary>
public sealed class SweepTask(SweepDirectory sweep, IReadOnlyList<string> videolab, TextWriter console)
{
    /// <summary>Exit codes of train that mean "stopped by a signal": 130 after saving (SIGINT/SIGTERM handled), 143 and 129 when killed by one.</summary>
    static readonly int[] InterruptedCodes = [130, 143, 129];

    /// <summary>Runs plan entry <paramref name="index"/>; returns train's exit code (0 when it was already done).</summary>
    public int Run(int index)
    {
        var plan = sweep.LoadPlan();
        if (index < 0 || index >= plan.Runs.Count)
            throw new SweepException($"The sweep {plan.Name} has runs 0 to {plan.Runs.Count - 1}; there is no run {index}.");
        var run = plan.Runs[index];
        Directory.CreateDirectory(Path.GetDirectoryName(sweep.TaskStatePath(run))!);
        Directory.CreateDirectory(Path.GetDirectoryName(sweep.LogPath(run))!);

        using var exclusive = Lock(run);
        var previous = sweep.LoadTaskState(run);
        var directory = sweep.RunDirectory(run);
        if (previous?.Phase == TaskPhase.Done && File.Exists(Path.Combine(directory, RunFiles.Config)))
        {
            console.WriteLine($"{run.Name}: already done ({directory}).");
            return 0;
        }

        var last = RunFiles.LastCheckpointPath(directory);
        long? resumeFrom = File.Exists(last) ? Checkpoint.ReadHeader(last).State.Step : null;
        if (resumeFrom is null && Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);  // an attempt stopped before its first checkpoint: nothing to keep
        // A resumed run takes model, data and settings from its config.json; the arguments go along for what it does not
        // store (the batch size), so the run continues exactly as it started.
        string[] train = ["train", .. run.Arguments, .. resumeFrom is null ? new[] { "--out", directory } : ["--resume", directory]];

        var slurmJob = Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID") is { } job
            ? $"{job}_{Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID")}" : null;
        int.TryParse(Environment.GetEnvironmentVariable("SLURM_RESTART_COUNT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int restarts);
        var state = new TaskState(TaskPhase.Running, (previous?.Attempt ?? 0) + 1, null, DateTime.UtcNow, null, Environment.MachineName,
                                  Environment.ProcessId, slurmJob, restarts, resumeFrom, null);
        state.Save(sweep.TaskStatePath(run));

        using var log = new StreamWriter(sweep.LogPath(run), append: true) { AutoFlush = true };
        var header = $"=== {run.Name}: attempt {state.Attempt} on {state.Host} at {state.Started:u}" +
                     (slurmJob is null ? "" : $", Slurm task {slurmJob} (restarts {restarts})") +
                     (resumeFrom is long step ? $", resuming from step {step}" : ", fresh start") + " ===";
        Write(log, header);

        var (exitCode, errorLine) = Train(train, Threads(plan), log);

        var phase = exitCode == 0 ? TaskPhase.Done : InterruptedCodes.Contains(exitCode) ? TaskPhase.Interrupted : TaskPhase.Failed;
        if (phase == TaskPhase.Failed && resumeFrom is null && exitCode == 2 && Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);  // refused as bad input before training: leave no half-written run directory
        var error = phase == TaskPhase.Failed ? errorLine ?? Describe(exitCode) : null;
        (state with { Phase = phase, ExitCode = exitCode, Ended = DateTime.UtcNow, Error = error }).Save(sweep.TaskStatePath(run));
        Write(log, $"=== {run.Name}: {phase.ToString().ToLowerInvariant()} (exit code {exitCode}){(error is null ? "" : $": {error}")} ===");
        return exitCode;
    }

    /// <summary>Torch threads of the run: the sweep's cpus, else Slurm's cpus-per-task, else whatever the environment says.</summary>
    static string? Threads(SweepPlan plan) =>
        plan.Resources.Cpus?.ToString(CultureInfo.InvariantCulture) ?? Environment.GetEnvironmentVariable("SLURM_CPUS_PER_TASK");

    /// <summary>Runs train, copying its output to the log and the console, passing SIGTERM/SIGINT on; returns its exit code and last error line.</summary>
    (int ExitCode, string? ErrorLine) Train(string[] arguments, string? threads, StreamWriter log)
    {
        var start = new ProcessStartInfo(videolab[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in videolab.Skip(1).Concat(arguments)) start.ArgumentList.Add(a);
        if (threads is not null)
        {
            // LibTorch sizes its intra-op pool from these: the same thread count gives the same numbers on every executor.
            start.Environment["OMP_NUM_THREADS"] = threads;
            start.Environment["MKL_NUM_THREADS"] = threads;
        }
        var lines = new List<string>();
        var gate = new object();
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (gate)
            {
                Write(log, line);
                if (lines.Count == 1000) lines.RemoveAt(0);
                lines.Add(line);
            }
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        try { process.Start(); }
        catch (System.ComponentModel.Win32Exception e)
        {
            var message = $"cannot start {videolab[0]}: {e.Message}";
            Write(log, message);
            return (127, message);
        }
        using var term = Forward(PosixSignal.SIGTERM, process);
        using var interrupt = Forward(PosixSignal.SIGINT, process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        return (process.ExitCode, process.ExitCode == 0 ? null : ErrorLine(lines));
    }

    /// <summary>
    /// Train's last error message ("error: …", or an unhandled exception's first line) put back on one line (the console
    /// wraps it at 80 columns when its output is not a terminal); else the last line it printed.
    /// </summary>
    internal static string? ErrorLine(IReadOnlyList<string> lines)
    {
        int start = -1;
        for (int i = lines.Count - 1; i >= 0 && start < 0; i--)
            if (lines[i].StartsWith("error:", StringComparison.Ordinal) || lines[i].StartsWith("Unhandled exception", StringComparison.Ordinal)) start = i;
        if (start < 0) return lines.LastOrDefault(l => !string.IsNullOrWhiteSpace(l))?.Trim();
        var message = lines.Skip(start).TakeWhile((l, k) => k == 0 || (!string.IsNullOrWhiteSpace(l) && !l.TrimStart().StartsWith("at ", StringComparison.Ordinal)));
        var joined = string.Join(' ', message.Select(l => l.Trim()));
        return joined.Length <= 600 ? joined : joined[..600] + "…";
    }

    void Write(StreamWriter log, string line)
    {
        log.WriteLine(line);
        console.WriteLine(line);
    }

    /// <summary>While registered, <paramref name="signal"/> does not end this process: it is passed on to train, which saves and stops.</summary>
    static PosixSignalRegistration? Forward(PosixSignal signal, Process child)
    {
        if (OperatingSystem.IsWindows()) return null;
        return PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            try
            {
                if (!child.HasExited) Signals.Send(child.Id, signal);
            }
            catch (InvalidOperationException) { }  // it has just exited
        });
    }

    /// <summary>One task per run at a time (a requeued task that starts while the old one still saves, a local and a Slurm run of one folder).</summary>
    FileStream Lock(PlannedRun run)
    {
        try
        {
            return new FileStream(sweep.LockPath(run), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var holder = sweep.LoadTaskState(run);
            throw new SweepException($"Run {run.Name} is being trained by another task" +
                                     (holder is null ? "" : $" (pid {holder.Pid} on {holder.Host}{(holder.SlurmJob is null ? "" : $", Slurm task {holder.SlurmJob}")})") +
                                     ": wait for it, or stop it first.");
        }
    }

    static string Describe(int exitCode) => exitCode > 128
        ? $"killed by signal {exitCode - 128}{(exitCode == 137 ? " (SIGKILL: out of memory, or a hard stop)" : "")}"
        : $"exit code {exitCode}";
}
