using VideoLab.Training;

namespace VideoLab.Sweeps;

/// <summary>
/// The folder of one sweep, the same whichever executor runs it:
/// <code>
/// DIR/sweep.json          the plan (every run's name and train arguments), read by every task
/// DIR/sweep.yaml          the sweep file it came from
/// DIR/runs/NAME/          one run directory per run, written by `videolab train` (RunFiles)
/// DIR/tasks/NAME.json     what the last attempt of each run did (TaskState)
/// DIR/logs/NAME.log       train's output, every attempt appended
/// DIR/slurm/              the batch script, the submitted jobs, Slurm's own output per array task
/// DIR/report.html, DIR/results.csv
/// </code>
/// </summary>
public sealed class SweepDirectory(string root)
{
    public const string PlanFile = "sweep.json", DefinitionFile = "sweep.yaml";
    public const string RunsFolder = "runs", TasksFolder = "tasks", LogsFolder = "logs", SlurmFolder = "slurm";

    public string Root { get; } = Path.GetFullPath(root);
    public string PlanPath => Path.Combine(Root, PlanFile);
    public string RunsPath => Path.Combine(Root, RunsFolder);
    public string SlurmPath => Path.Combine(Root, SlurmFolder);
    public string RunDirectory(PlannedRun run) => Path.Combine(RunsPath, run.Name);
    public string TaskStatePath(PlannedRun run) => Path.Combine(Root, TasksFolder, run.Name + ".json");
    public string LockPath(PlannedRun run) => Path.Combine(Root, TasksFolder, run.Name + ".lock");
    public string LogPath(PlannedRun run) => Path.Combine(Root, LogsFolder, run.Name + ".log");

    /// <summary>The plan of an existing sweep directory.</summary>
    public SweepPlan LoadPlan()
    {
        if (!File.Exists(PlanPath))
            throw new SweepException($"{Root} is not a sweep directory (it has no {PlanFile}); `videolab sweep run FILE --out {Root}` makes one.");
        return SweepPlan.FromJson(File.ReadAllText(PlanPath), PlanPath);
    }

    /// <summary>What the last attempt of a run recorded, or null when it never started.</summary>
    public TaskState? LoadTaskState(PlannedRun run) => TaskState.Load(TaskStatePath(run));

    /// <summary>
    /// Makes the folder hold <paramref name="plan"/>: a new folder, or one that holds the same sweep (its runs continue,
    /// finished ones are kept) or the same sweep with runs added. A run directory that holds a different run, runs of a
    /// plan that this one drops, or run directories of unknown origin are refused before anything is written. The
    /// returned <see cref="Preparation"/> undoes what this wrote (a failed submission leaves the folder as it was).
    /// </summary>
    public Preparation Prepare(SweepPlan plan, string definitionPath)
    {
        bool existed = Directory.Exists(Root);
        SweepPlan? previous = existed && File.Exists(PlanPath) ? LoadPlan() : null;
        if (previous is not null)
        {
            foreach (var run in plan.Runs)
            {
                var before = previous.Runs.FirstOrDefault(r => r.Name == run.Name);
                if (before is not null && !SweepPlan.SameRun(before, run))
                    throw new SweepException($"{RunDirectory(run)} already holds a different run: it was `videolab train {string.Join(' ', before.Arguments)}`, " +
                                             $"this sweep asks for `videolab train {string.Join(' ', run.Arguments)}`. Choose another --out, or delete that sweep directory.");
                if (before is null && HoldsFiles(RunDirectory(run)))
                    throw new SweepException($"{RunDirectory(run)} already holds files that {PlanPath} does not account for. Choose another --out, or delete it.");
            }
            var dropped = previous.Runs.Where(r => plan.Runs.All(p => p.Name != r.Name)).Select(r => r.Name).ToList();
            if (dropped.Count > 0)
                throw new SweepException($"{Root} holds a different sweep: its runs {string.Join(", ", dropped.Take(5))}{(dropped.Count > 5 ? ", …" : "")} are not in this one. " +
                                         "Choose another --out (a sweep directory may only gain runs).");
        }
        else if (existed && HoldsFiles(RunsPath))
            throw new SweepException($"{Root} holds run directories under {RunsFolder}/ but no {PlanFile}: it is not a sweep directory of `videolab sweep run`. Choose another --out.");

        var preparation = new Preparation();
        try
        {
            preparation.CreateFolder(Root, wholeTree: true);
            preparation.Write(PlanPath, plan.ToJson());
            preparation.Write(Path.Combine(Root, DefinitionFile), File.ReadAllText(definitionPath));
            foreach (var folder in new[] { RunsFolder, TasksFolder, LogsFolder }) preparation.CreateFolder(Path.Combine(Root, folder));
        }
        catch
        {
            preparation.Undo();
            throw;
        }
        return preparation;
    }

    static bool HoldsFiles(string directory) => Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any();

    internal static void WriteText(string path, string text) => AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, leaveOpen: true);
        writer.Write(text);
    });

    /// <summary>What <see cref="Prepare"/> (and an executor after it) wrote, and how to take it back.</summary>
    public sealed class Preparation
    {
        readonly List<Action> _undo = [];

        /// <summary>Creates a folder; undoing deletes it if this created it (with everything in it when <paramref name="wholeTree"/>, else only while empty).</summary>
        public void CreateFolder(string path, bool wholeTree = false)
        {
            if (Directory.Exists(path)) return;
            Directory.CreateDirectory(path);
            _undo.Add(() =>
            {
                if (wholeTree) Directory.Delete(path, recursive: true);
                else if (!Directory.EnumerateFileSystemEntries(path).Any()) Directory.Delete(path);
            });
        }

        /// <summary>Writes a file atomically; undoing puts back what was there (or deletes it).</summary>
        public void Write(string path, string text)
        {
            string? old = File.Exists(path) ? File.ReadAllText(path) : null;
            WriteText(path, text);
            _undo.Add(() =>
            {
                if (old is null) File.Delete(path);
                else WriteText(path, old);
            });
        }

        /// <summary>Takes back everything, last first.</summary>
        public void Undo()
        {
            for (int i = _undo.Count - 1; i >= 0; i--)
            {
                try { _undo[i](); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
            _undo.Clear();
        }
    }
}
