using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoLab.Sweeps;

/// <summary>Where a run's last attempt stands, as its task recorded it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskPhase>))]
public enum TaskPhase
{
    /// <summary>Training (or killed without a word: the executor's queue or the process table tells which).</summary>
    Running,
    /// <summary>Train finished its budget (exit code 0).</summary>
    Done,
    /// <summary>Train failed (NaN/Inf loss, out of memory, bad input, a crash); <see cref="TaskState.Error"/> has its last error line.</summary>
    Failed,
    /// <summary>Stopped by a signal after saving <c>checkpoints/last.ckpt</c> (preemption, a requeue, the time-limit warning, Ctrl-C); the next attempt resumes.</summary>
    Interrupted,
}

/// <summary>
/// <c>tasks/NAME.json</c> in the sweep directory: what the last attempt at a run did, written atomically at its start
/// and its end. Timestamps and host vary between executors; the run directory itself does not.
/// </summary>
/// <param name="Phase">Where it stands.</param>
/// <param name="Attempt">1 for the first start, 2 after one requeue or rerun, …</param>
/// <param name="ExitCode">Train's exit code, once it ended.</param>
/// <param name="Started">When the attempt started (UTC).</param>
/// <param name="Ended">When it ended (UTC), or null while running.</param>
/// <param name="Host">The machine it ran on.</param>
/// <param name="Pid">The process id of the task (for the local executor's status).</param>
/// <param name="SlurmJob">The array task (<c>JOBID_INDEX</c>) under Slurm, else null.</param>
/// <param name="Restarts">Slurm's SLURM_RESTART_COUNT: how often Slurm requeued this task.</param>
/// <param name="ResumedFromStep">The step of <c>last.ckpt</c> this attempt resumed from, or null for a fresh start.</param>
/// <param name="Error">The last error line of a failed attempt.</param>
public sealed record TaskState(TaskPhase Phase, int Attempt, int? ExitCode, DateTime Started, DateTime? Ended, string Host, int Pid,
                               string? SlurmJob, int Restarts, long? ResumedFromStep, string? Error)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static TaskState? Load(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<TaskState>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new SweepException($"{path} is not a task state written by `videolab sweep` ({e.Message})."); }
    }

    public void Save(string path) => SweepDirectory.WriteText(path, JsonSerializer.Serialize(this, Json));
}
