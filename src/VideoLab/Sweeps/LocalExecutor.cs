using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace VideoLab.Sweeps;

/// <summary>
/// Runs a sweep on this machine: the runs that are not done, a given number at a time, each as
/// <c>videolab sweep task DIR --index I</c> in its own process (what a Slurm array task runs too, so both executors
/// write the same run directories). Cancelling (Ctrl-C) starts nothing new and lets the running tasks save and stop.
/// </summary>
public sealed class LocalExecutor(SweepDirectory sweep, IReadOnlyList<string> videolab, TextWriter console)
{
    /// <summary>How many runs fit at once: the cores divided by the cores a run asks for (1 when the file does not say).</summary>
    public static int DefaultParallel(SweepResources resources) =>
        resources.Cpus is int cpus ? Math.Max(1, Environment.ProcessorCount / cpus) : 1;

    /// <summary>Runs what is left; 0 when every run is done, 1 when some failed, 130 when cancelled.</summary>
    public int Run(SweepPlan plan, int parallel, CancellationToken cancel = default)
    {
        if (parallel < 1) throw new SweepException($"--parallel must be 1 or more, got {parallel}.");
        var todo = plan.Runs.Where(r => !SweepStatus.IsDone(sweep, r)).ToList();
        if (todo.Count < plan.Runs.Count) console.WriteLine($"{plan.Runs.Count - todo.Count} of {plan.Runs.Count} runs are done already; running the other {todo.Count}.");
        // Without cpus in the file, the cores are shared out between the runs at once.
        var threads = plan.Resources.Cpus is null ? Math.Max(1, Environment.ProcessorCount / parallel).ToString(CultureInfo.InvariantCulture) : null;

        var running = new List<Worker>();
        int next = 0, done = 0, failed = 0, interrupted = 0;
        using var stop = cancel.Register(() => { lock (running) foreach (var w in running) Signals.Send(w.Process.Id, PosixSignal.SIGINT); });
        while (running.Count > 0 || (next < todo.Count && !cancel.IsCancellationRequested))
        {
            while (running.Count < parallel && next < todo.Count && !cancel.IsCancellationRequested)
            {
                var worker = Worker.Start(sweep, todo[next++], videolab, threads);
                lock (running) running.Add(worker);
                console.WriteLine($"started  {worker.Run.Name}");
            }
            int finished = Task.WaitAny(running.Select(w => w.Exited).ToArray());
            var w = running[finished];
            lock (running) running.RemoveAt(finished);
            var state = sweep.LoadTaskState(w.Run);
            int total = done + failed + interrupted + 1;
            switch (state?.Phase)
            {
                case TaskPhase.Done when w.Process.ExitCode == 0:
                    done++;
                    console.WriteLine($"done     {w.Run.Name} [{total}/{todo.Count}]");
                    break;
                case TaskPhase.Interrupted:
                    interrupted++;
                    console.WriteLine($"stopped  {w.Run.Name} [{total}/{todo.Count}] after saving; `videolab sweep run` again resumes it");
                    break;
                default:
                    failed++;
                    console.WriteLine($"failed   {w.Run.Name} [{total}/{todo.Count}]: {state?.Error ?? w.LastLine ?? $"exit code {w.Process.ExitCode}"} (log: {sweep.LogPath(w.Run)})");
                    break;
            }
            w.Process.Dispose();
        }
        int notStarted = todo.Count - next;
        console.WriteLine($"{done} done, {failed} failed, {interrupted} stopped" + (notStarted > 0 ? $", {notStarted} not started" : "") + $" (of {todo.Count}).");
        return cancel.IsCancellationRequested || interrupted > 0 ? 130 : failed > 0 ? 1 : 0;
    }

    /// <summary>One <c>sweep task</c> process; its output is already in the run's log, so only the last line is kept (for a task that fails before logging).</summary>
    sealed class Worker
    {
        public required PlannedRun Run { get; init; }
        public required Process Process { get; init; }
        public required Task Exited { get; init; }
        public string? LastLine { get; private set; }

        public static Worker Start(SweepDirectory sweep, PlannedRun run, IReadOnlyList<string> videolab, string? threads)
        {
            var start = new ProcessStartInfo(videolab[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in videolab.Skip(1).Concat(["sweep", "task", sweep.Root, "--index", run.Index.ToString(CultureInfo.InvariantCulture)]))
                start.ArgumentList.Add(a);
            if (threads is not null)
            {
                start.Environment["OMP_NUM_THREADS"] = threads;
                start.Environment["MKL_NUM_THREADS"] = threads;
            }
            var process = new Process { StartInfo = start };
            Worker? worker = null;
            void Keep(string? line) { if (!string.IsNullOrWhiteSpace(line) && worker is not null) worker.LastLine = line.Trim(); }
            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            try { process.Start(); }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new SweepException($"Cannot start `{string.Join(' ', videolab)}` for the sweep's tasks: {e.Message}");
            }
            worker = new Worker { Run = run, Process = process, Exited = process.WaitForExitAsync() };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return worker;
        }
    }
}
