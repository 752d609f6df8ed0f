using System.Globalization;

namespace VideoLab.Sweeps;

/// <summary>An array task of a sweep as Slurm sees it: <paramref name="State"/> is squeue's (PENDING, RUNNING, …) or sacct's (COMPLETED, CANCELLED, TIMEOUT, …).</summary>
public sealed record QueueEntry(string JobId, int Index, string State, string Reason);

/// <summary>What Slurm knows about a sweep's tasks, by run index; <paramref name="Note"/> says what could not be asked.</summary>
public sealed record QueueSnapshot(IReadOnlyDictionary<int, QueueEntry> Entries, IReadOnlyDictionary<int, QueueEntry> Finished, string? Note)
{
    public static readonly QueueSnapshot Empty = new(new Dictionary<int, QueueEntry>(), new Dictionary<int, QueueEntry>(), null);
}

/// <summary>
/// Reads the state of a sweep's array tasks: squeue for tasks still in the controller's queue (pending, running,
/// requeued), then sacct for the others. Without slurmdbd, sacct answers "Slurm accounting storage is disabled": the
/// run directories then say how a task ended, which they do anyway (tasks/NAME.json).
/// </summary>
public static class SlurmQueue
{
    public static QueueSnapshot Read(IReadOnlyList<SlurmSubmission> submissions)
    {
        if (submissions.Count == 0) return QueueSnapshot.Empty;
        var jobs = submissions.Select(s => s.JobId).ToHashSet();
        // A later submission of a run replaces an earlier one.
        var jobOfIndex = new Dictionary<int, string>();
        foreach (var s in submissions) foreach (var i in s.Indices) jobOfIndex[i] = s.JobId;

        var queued = new Dictionary<int, QueueEntry>();
        var notes = new List<string>();
        var squeue = SlurmCommands.Run("squeue", ["--noheader", "--array", "--me", "--format=%F|%K|%T|%r"]);
        if (!squeue.Ok) notes.Add($"squeue failed ({squeue.Message}); states come from the run directories only");
        foreach (var line in squeue.Ok ? squeue.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [])
        {
            var f = line.Trim().Split('|');
            if (f.Length < 4 || !jobs.Contains(f[0])) continue;
            foreach (var index in Indices(f[1]))
                if (jobOfIndex.GetValueOrDefault(index) == f[0]) queued[index] = new QueueEntry(f[0], index, f[2], f[3]);
        }

        var finished = new Dictionary<int, QueueEntry>();
        var missing = jobOfIndex.Where(p => !queued.ContainsKey(p.Key)).Select(p => p.Value).Distinct().ToList();
        if (missing.Count > 0 && squeue.Ok)
        {
            var sacct = SlurmCommands.Run("sacct", ["--noheader", "--parsable2", "--allocations", $"--jobs={string.Join(',', missing)}", "--format=JobID,State,ExitCode"]);
            if (!sacct.Ok || sacct.Message.Contains("disabled", StringComparison.OrdinalIgnoreCase))
                notes.Add("sacct has no record (no accounting storage on this cluster); finished tasks are read from the run directories");
            else
                foreach (var line in sacct.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    var f = line.Trim().Split('|');
                    var id = f[0].Split('_');
                    if (f.Length >= 3 && id.Length == 2 && int.TryParse(id[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                        && jobOfIndex.GetValueOrDefault(index) == id[0] && !queued.ContainsKey(index))
                        finished[index] = new QueueEntry(id[0], index, f[1].Split(' ')[0], $"exit {f[2]}");
                }
        }
        return new QueueSnapshot(queued, finished, notes.Count == 0 ? null : string.Join("; ", notes));
    }

    /// <summary>squeue's %K: one index, or a pending range such as <c>[3-7%2]</c> or <c>4,6</c>.</summary>
    static IEnumerable<int> Indices(string text)
    {
        text = text.Trim('[', ']');
        int percent = text.IndexOf('%');
        if (percent >= 0) text = text[..percent];
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var ends = part.Split('-');
            if (!int.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)) continue;
            int last = ends.Length > 1 && int.TryParse(ends[1], NumberStyles.None, CultureInfo.InvariantCulture, out int l) ? l : first;
            for (int i = first; i <= last; i++) yield return i;
        }
    }
}
