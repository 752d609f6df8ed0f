using System.Diagnostics;
using VideoLab.Training;

namespace VideoLab.Sweeps;

/// <summary>Where one run of a sweep stands.</summary>
/// <param name="Run">The run.</param>
/// <param name="State">pending, running, done, failed or stopped (interrupted and not queued: the next <c>sweep run</c> resumes it).</param>
/// <param name="Step">The last step in its metrics.jsonl, or null before any.</param>
/// <param name="Detail">The reason: the last error line of a failure, the queue's reason for a pending task, requeues.</param>
public sealed record RunStatus(PlannedRun Run, string State, long? Step, string Detail);

/// <summary>
/// The state of every run of a sweep, from what the tasks recorded in the sweep directory (<see cref="TaskState"/>) and,
/// for a Slurm sweep, what the queue says (a task killed without a word, or requeued, shows there).
/// </summary>
public static class SweepStatus
{
    public const string Pending = "pending", Running = "running", Done = "done", Failed = "failed", Stopped = "stopped";

    /// <summary>True when the run finished and its run directory is there.</summary>
    public static bool IsDone(SweepDirectory sweep, PlannedRun run) =>
        sweep.LoadTaskState(run)?.Phase == TaskPhase.Done && File.Exists(Path.Combine(sweep.RunDirectory(run), RunFiles.Config));

    public static List<RunStatus> Of(SweepDirectory sweep, SweepPlan plan, QueueSnapshot queue)
    {
        bool submitted = SlurmExecutor.Submissions(sweep).Count > 0;
        return plan.Runs.Select(run => Of(sweep, run, queue, submitted)).ToList();
    }

    static RunStatus Of(SweepDirectory sweep, PlannedRun run, QueueSnapshot queue, bool submitted)
    {
        var task = sweep.LoadTaskState(run);
        long? step = LastStep(sweep.RunDirectory(run));
        queue.Entries.TryGetValue(run.Index, out var queued);
        queue.Finished.TryGetValue(run.Index, out var ended);
        string requeues = task is { Restarts: > 0 } ? $"requeued {task.Restarts}×" : "";
        string Join(params string[] parts) => string.Join("; ", parts.Where(p => p.Length > 0));

        if (IsDone(sweep, run)) return new RunStatus(run, Done, step, Join(requeues, task!.Attempt > 1 ? $"{task.Attempt} attempts" : ""));
        if (queued is not null)
            return queued.State switch
            {
                "RUNNING" or "COMPLETING" => new RunStatus(run, Running, step, Join($"Slurm task {queued.JobId}_{run.Index}", requeues)),
                "PENDING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "CONFIGURING" or "SUSPENDED" =>
                    new RunStatus(run, Pending, step, Join($"Slurm task {queued.JobId}_{run.Index} {queued.State.ToLowerInvariant()}" +
                                                           (queued.Reason is "None" or "" ? "" : $" ({queued.Reason})"),
                                                           task is null ? "" : $"{task.Phase.ToString().ToLowerInvariant()}{(step is long s ? $" at step {s}" : "")} before")),
                _ => new RunStatus(run, Failed, step, $"Slurm task {queued.JobId}_{run.Index}: {queued.State} ({queued.Reason})"),
            };
        string slurmEnd = ended is null ? "" : $"Slurm says {ended.State} ({ended.Reason})";
        return task?.Phase switch
        {
            TaskPhase.Failed => new RunStatus(run, Failed, step, Join(task.Error ?? $"exit code {task.ExitCode}", slurmEnd)),
            TaskPhase.Interrupted => new RunStatus(run, Stopped, step, Join("stopped after saving its last checkpoint; `videolab sweep run` again resumes it", slurmEnd)),
            TaskPhase.Running when task.SlurmJob is null && IsAlive(task) => new RunStatus(run, Running, step, $"pid {task.Pid}"),
            TaskPhase.Running when task.SlurmJob is not null && queue.Note is not null && ended is null =>
                new RunStatus(run, Running, step, $"Slurm task {task.SlurmJob} (the queue could not be read: {queue.Note})"),
            TaskPhase.Running => new RunStatus(run, Failed, step, Join("stopped without recording an end (killed, cancelled, out of memory or past its time limit)",
                                                                       slurmEnd, LastLine(sweep.LogPath(run)) is { } l ? $"last line: {l}" : "")),
            TaskPhase.Done => new RunStatus(run, Failed, step, $"recorded as done but {sweep.RunDirectory(run)} is missing"),
            _ when submitted && queue.Note is null && ended is not null => new RunStatus(run, Failed, step, $"never started: {slurmEnd}"),
            _ when submitted && queue.Note is null && !queue.Entries.ContainsKey(run.Index) && WasSubmitted(sweep, run) =>
                new RunStatus(run, Failed, step, "left Slurm's queue without starting (cancelled?); `videolab sweep run` again submits it"),
            _ => new RunStatus(run, Pending, step, "not started"),
        };
    }

    static bool WasSubmitted(SweepDirectory sweep, PlannedRun run) => SlurmExecutor.Submissions(sweep).Any(s => s.Indices.Contains(run.Index));

    /// <summary>True when the task's process is still there (a local run; same machine only).</summary>
    static bool IsAlive(TaskState task)
    {
        if (task.Host != Environment.MachineName) return true;  // another machine's: cannot tell, trust the record
        try
        {
            using var process = Process.GetProcessById(task.Pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
    }

    /// <summary>The step of the last line of metrics.jsonl (read from the end, so long runs cost nothing).</summary>
    internal static long? LastStep(string runDirectory)
    {
        var path = Path.Combine(runDirectory, RunFiles.Metrics);
        if (!File.Exists(path)) return null;
        foreach (var line in TailLines(path).Reverse())
        {
            try { return RunFiles.FromJsonLine(line).Step; }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or NullReferenceException) { }
        }
        return null;
    }

    /// <summary>The last non-empty line of a log, or null.</summary>
    internal static string? LastLine(string path) =>
        File.Exists(path) ? TailLines(path).LastOrDefault(l => !string.IsNullOrWhiteSpace(l) && !l.StartsWith("===", StringComparison.Ordinal))?.Trim() : null;

    /// <summary>The lines of the last 8 KB of a file.</summary>
    static IEnumerable<string> TailLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long start = Math.Max(0, stream.Length - 8192);
        stream.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n').ToList();
        if (start > 0 && lines.Count > 0) lines.RemoveAt(0);  // probably cut in the middle
        return lines.Where(l => l.Length > 0);
    }
}
