using System.Text.Json;

namespace VideoLab.Sweeps;

/// <summary>One <c>sbatch</c> of a sweep: the array job and the run indices it holds.</summary>
public sealed record SlurmSubmission(string JobId, IReadOnlyList<int> Indices, DateTime Submitted);

/// <summary>
/// Runs a sweep as one Slurm job array (<see cref="BatchScript"/>), submitted with <c>sbatch</c>; the submissions
/// are kept in <c>slurm/jobs.json</c> for <c>videolab sweep status</c>. A dry run writes the script and stops.
/// </summary>
public sealed class SlurmExecutor(SweepDirectory sweep, IReadOnlyList<string> videolab, TextWriter console)
{
    public const string ScriptFile = "sweep.sbatch", JobsFile = "jobs.json";
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string ScriptPath => Path.Combine(sweep.SlurmPath, ScriptFile);
    public string JobsPath => Path.Combine(sweep.SlurmPath, JobsFile);

    /// <summary>The submissions so far, oldest first.</summary>
    public static List<SlurmSubmission> Submissions(SweepDirectory sweep)
    {
        var path = Path.Combine(sweep.SlurmPath, JobsFile);
        if (!File.Exists(path)) return [];
        try { return JsonSerializer.Deserialize<List<SlurmSubmission>>(File.ReadAllText(path), Json) ?? []; }
        catch (JsonException e) { throw new SweepException($"{path} is not a list of submissions written by `videolab sweep run` ({e.Message})."); }
    }

    /// <summary>
    /// Writes the batch script for the runs that are not done and, unless <paramref name="dryRun"/>, submits it.
    /// Refuses before writing anything when sbatch is missing or tasks of this sweep are still queued; when sbatch
    /// refuses the job, everything this call wrote is taken back. Returns the job id (null for a dry run or nothing to do).
    /// </summary>
    public string? Run(SweepPlan plan, string definitionPath, bool dryRun, int? throttle = null)
    {
        if (!dryRun)
        {
            SlurmCommands.Require("sbatch");
            var active = SlurmQueue.Read(Submissions(sweep));
            if (active.Entries.Count > 0)
                throw new SweepException($"{active.Entries.Count} tasks of this sweep are still in Slurm's queue (jobs {string.Join(", ", active.Entries.Values.Select(e => e.JobId).Distinct())}): " +
                                         "wait for them (`videolab sweep status`), or scancel them, before submitting again.");
        }
        var preparation = sweep.Prepare(plan, definitionPath);
        string jobId;
        List<int> indices;
        try
        {
            indices = plan.Runs.Where(r => !SweepStatus.IsDone(sweep, r)).Select(r => r.Index).ToList();
            if (indices.Count == 0)
            {
                console.WriteLine($"All {plan.Runs.Count} runs are done; nothing to submit.");
                return null;
            }
            preparation.CreateFolder(sweep.SlurmPath);
            preparation.Write(ScriptPath, BatchScript.Create(plan, sweep, indices, videolab, throttle));
            if (dryRun)
            {
                console.WriteLine($"Wrote {ScriptPath} ({indices.Count} array tasks); submit it with: sbatch {ScriptPath}");
                return null;
            }
            var result = SlurmCommands.Run("sbatch", ["--parsable", ScriptPath]);
            jobId = result.Output.Trim().Split(';')[0];
            if (!result.Ok || jobId.Length == 0 || !jobId.All(char.IsAsciiDigit))
                throw new SweepException($"sbatch refused the job (exit code {result.ExitCode}): {result.Message}. Nothing was submitted and {sweep.Root} is as it was; " +
                                         "check the resources in the sweep file against `sinfo` (partition, memory, time), or write the script with --dry-run to try it by hand.");
        }
        catch
        {
            preparation.Undo();
            throw;
        }
        var submissions = Submissions(sweep);
        submissions.Add(new SlurmSubmission(jobId, indices, DateTime.UtcNow));
        SweepDirectory.WriteText(JobsPath, JsonSerializer.Serialize(submissions, Json));
        console.WriteLine($"Submitted job array {jobId} ({indices.Count} tasks, script {ScriptPath}). Follow it with `videolab sweep status {sweep.Root}`.");
        return jobId;
    }
}
