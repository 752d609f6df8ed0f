using System.Globalization;
using System.Text;

namespace VideoLab.Sweeps;

/// <summary>
/// The Slurm batch script of a sweep: one job array, one task per run (the task index is the run's index in
/// <c>sweep.json</c>), the run's resources as <c>#SBATCH</c> options, and the requeue machinery:
/// <list type="bullet">
/// <item><c>--requeue</c>: Slurm puts a task that was preempted (or requeued by <c>scontrol requeue</c>, or whose node
/// failed) back in the queue. It first sends SIGTERM to every process of the task; the task passes it on to train, which
/// saves <c>checkpoints/last.ckpt</c>; the restarted task resumes from it.</item>
/// <item>A time limit is not requeued by Slurm. With a limit of 10 minutes or more, <c>--signal=B:USR1@120</c> warns the
/// batch shell two minutes ahead, and its trap does what preemption does: stop train (it saves) and requeue the task.</item>
/// </list>
/// </summary>
public static class BatchScript
{
    /// <summary>Seconds of warning before the time limit (Slurm may send it up to 60 s earlier still).</summary>
    public const int WarningSeconds = 120;
    /// <summary>Shorter limits get no warning: the signal could come before the run did anything.</summary>
    public const int ShortestWarnedLimit = 600;

    /// <param name="plan">The sweep.</param>
    /// <param name="sweep">Its directory (absolute paths go into the script: array tasks start in another folder).</param>
    /// <param name="indices">The runs to submit (those not done).</param>
    /// <param name="videolab">The command line that runs <c>videolab</c> on the compute nodes.</param>
    /// <param name="throttle">At most this many tasks at once (<c>--array=…%N</c>), or null.</param>
    public static string Create(SweepPlan plan, SweepDirectory sweep, IReadOnlyList<int> indices, IReadOnlyList<string> videolab, int? throttle = null)
    {
        if (indices.Count == 0) throw new ArgumentException("No runs to submit.", nameof(indices));
        if (sweep.Root.Any(char.IsWhiteSpace))
            throw new SweepException($"The sweep directory {sweep.Root} has a space in its path, which #SBATCH --output cannot hold: choose another --out.");
        var r = plan.Resources;
        var s = new StringBuilder();
        s.AppendLine("#!/bin/bash");
        s.AppendLine($"# VideoLab sweep {plan.Name}: {plan.Runs.Count} runs in {sweep.Root}, one array task per run (its index in sweep.json).");
        s.AppendLine("# Written by `videolab sweep run --executor slurm`. Submitting it again is safe: finished runs are skipped, stopped ones resume.");
        s.AppendLine($"#SBATCH --job-name={plan.Name}");
        s.AppendLine($"#SBATCH --array={Ranges(indices)}{(throttle is int t ? $"%{t}" : "")}");
        if (r.Partition is not null) s.AppendLine($"#SBATCH --partition={r.Partition}");
        s.AppendLine($"#SBATCH --cpus-per-task={r.Cpus ?? 1}");
        if (r.Memory is not null) s.AppendLine($"#SBATCH --mem={r.Memory}");
        if (r.Time is not null) s.AppendLine($"#SBATCH --time={r.Time}");
        if (r.Gpus > 0) s.AppendLine($"#SBATCH --gres=gpu:{r.Gpus}");
        s.AppendLine("#SBATCH --requeue");
        bool warned = r.Time is not null && SlurmTime.Seconds(r.Time) >= ShortestWarnedLimit;
        if (warned) s.AppendLine($"#SBATCH --signal=B:USR1@{WarningSeconds}");
        s.AppendLine("#SBATCH --open-mode=append");
        s.AppendLine($"#SBATCH --output={Path.Combine(sweep.SlurmPath, "%A_%a.out")}");
        foreach (var option in r.Sbatch ?? []) s.AppendLine($"#SBATCH {option}");
        s.AppendLine();
        foreach (var line in r.Setup ?? []) s.AppendLine(line);
        if (r.Setup is { Count: > 0 }) s.AppendLine();
        s.AppendLine("# Preemption or `scontrol requeue`: Slurm sends SIGTERM to every process of this task, then requeues it (--requeue).");
        s.AppendLine("# The task passes SIGTERM on to train, which saves checkpoints/last.ckpt and stops; the next start resumes from it.");
        s.AppendLine("trap 'kill -TERM \"$task\" 2>/dev/null' TERM");
        if (warned)
        {
            s.AppendLine($"# The time limit is near (--signal): do what preemption does, then requeue this task.");
            s.AppendLine("requeue() {");
            s.AppendLine("  echo \"time limit near: saving and requeueing ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"");
            s.AppendLine("  kill -TERM \"$task\" 2>/dev/null; wait \"$task\"");
            s.AppendLine("  scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"");
            s.AppendLine("}");
            s.AppendLine("trap requeue USR1");
        }
        else s.AppendLine($"# No time-limit warning: {(r.Time is null ? "no time limit is set" : $"the limit {r.Time} is under {ShortestWarnedLimit / 60} minutes")}.");
        s.AppendLine();
        s.AppendLine($"{string.Join(' ', videolab.Select(Quote))} sweep task {Quote(sweep.Root)} --index \"$SLURM_ARRAY_TASK_ID\" &");
        s.AppendLine("task=$!");
        s.AppendLine("wait \"$task\"; status=$?");
        s.AppendLine("while kill -0 \"$task\" 2>/dev/null; do wait \"$task\"; status=$?; done  # a trap interrupted the wait: wait for the task to finish");
        s.AppendLine("exit $status");
        return s.ToString();
    }

    /// <summary>Array indices as Slurm writes them: <c>0-3,5,7-9</c>.</summary>
    public static string Ranges(IEnumerable<int> indices)
    {
        var sorted = indices.Distinct().Order().ToList();
        var parts = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(i == j ? sorted[i].ToString(CultureInfo.InvariantCulture) : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    /// <summary>A word for bash, in single quotes.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
