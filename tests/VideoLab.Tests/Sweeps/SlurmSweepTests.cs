using System.Diagnostics;
using System.Globalization;
using VideoLab.Cli.Commands;
using VideoLab.Sweeps;
using VideoLab.Training;

namespace VideoLab.Tests.Sweeps;

/// <summary>
/// The example sweep on a real Slurm (a one-node cluster from tests/slurm/start, or the machine's own): submitted as
/// one job array, two tasks interrupted mid-run and requeued, every run finished, and the result compared with the
/// local executor's run of the same file (<see cref="LocalTinySweep"/>).
/// <para>
/// How the interruptions are made. Preemption: <c>scontrol requeue</c>, not <c>scancel</c>. scancel ends a task as
/// CANCELLED and Slurm never requeues a cancelled task, whatever --requeue says, so it cannot show a resume. Preemption
/// in REQUEUE mode and <c>scontrol requeue</c> take the same path in slurmctld: SIGTERM to every process of the task,
/// SIGKILL after KillWait, back to pending, SLURM_RESTART_COUNT + 1. The time limit: its warning is
/// <c>--signal=B:USR1@120</c>, i.e. slurmstepd sending SIGUSR1 to the batch shell; the test sends that same signal to
/// the same process instead of waiting minutes for a real limit (<c>scancel --batch --signal=USR1</c> would do it too,
/// but retries while the task is being requeued and so delivers it twice).
/// </para>
/// </summary>
[Collection(TinySweepCollection.Name)]
public class SlurmSweepTests(LocalTinySweep local)
{
    const int Steps = 40;  // the example's quick budget

    [Fact]
    public void Slurm_runs_the_same_sweep_to_the_same_run_directories_and_report_through_a_preemption_and_a_time_limit()
    {
        SlurmCluster.Require();
        Assert.Equal(0, local.ExitCode);
        // Under the test binaries, not /tmp: on a real cluster the tasks run on other nodes and need a shared folder.
        var root = Path.Combine(AppContext.BaseDirectory, "slurm-sweeps", Guid.NewGuid().ToString("N"));
        string? job = null;
        try
        {
            // sbatch refusing (a partition the cluster lacks): a clear error, and nothing left behind.
            Directory.CreateDirectory(root);
            var badPartition = TinySweep.EditedCopy(root, t => t.Replace("  cpus: 1", "  cpus: 1\n  partition: no-such-partition"));
            var refused = Path.Combine(root, "refused");
            Assert.Equal(TrainCommand.BadInput, TinySweep.Videolab("sweep", "run", badPartition, "--quick", "--executor", "slurm", "--out", refused));
            Assert.False(Directory.Exists(refused));

            var sweep = new SweepDirectory(Path.Combine(root, "tiny"));
            Assert.Equal(0, TinySweep.Videolab("sweep", "run", TinySweep.ExampleFile, "--quick", "--executor", "slurm", "--out", sweep.Root));
            job = SlurmExecutor.Submissions(sweep).Single().JobId;
            var plan = sweep.LoadPlan();
            // Submitting again while tasks are queued would train runs twice: refused.
            Assert.Equal(TrainCommand.BadInput, TinySweep.Videolab("sweep", "run", TinySweep.ExampleFile, "--quick", "--executor", "slurm", "--out", sweep.Root));

            var (preempted, timedOut) = (plan.Runs[0], plan.Runs[1]);
            Interrupt(sweep, job, preempted, timedOut);
            var final = WaitForAll(sweep, plan, TimeSpan.FromMinutes(6));

            foreach (var run in new[] { preempted, timedOut })
            {
                var task = sweep.LoadTaskState(run)!;
                Assert.Equal((2, 1), (task.Attempt, task.Restarts));                   // started twice; Slurm requeued it once
                Assert.InRange(task.ResumedFromStep!.Value, 5, Steps - 1);            // from its last checkpoint, mid-run
                Assert.Contains($"resuming from step {task.ResumedFromStep}", File.ReadAllText(sweep.LogPath(run)));
                Assert.Contains("requeued 1×", final.Single(s => s.Run == run).Detail);
            }
            Assert.Contains("DUE TO JOB REQUEUE", File.ReadAllText(Path.Combine(sweep.SlurmPath, $"{job}_0.out")));  // slurmstepd's own words
            Assert.Contains("time limit near: saving and requeueing", File.ReadAllText(Path.Combine(sweep.SlurmPath, $"{job}_1.out")));

            // The same run directories, metric for metric: the interrupted runs repeat the uninterrupted ones exactly.
            var here = new SweepDirectory(local.Root);
            Assert.Equal(TinySweep.RunDirectoryFiles(here.Root), TinySweep.RunDirectoryFiles(sweep.Root));
            foreach (var run in plan.Runs)
            {
                Assert.Equal([10L, 20, 30, 40], TinySweep.Steps(sweep.RunDirectory(run), "train"));  // no step twice after a resume
                foreach (var sample in new[] { "truth.pt", "prediction.pt" })
                    Assert.Equal(File.ReadAllBytes(Path.Combine(here.RunDirectory(run), RunFiles.Samples, sample)),
                                 File.ReadAllBytes(Path.Combine(sweep.RunDirectory(run), RunFiles.Samples, sample)));
            }
            Assert.Equal(0, TinySweep.Videolab("sweep", "report", sweep.Root));
            Assert.Equal(SweepReport.Csv(SweepResults.Load(here)), File.ReadAllText(Path.Combine(sweep.Root, SweepReport.CsvFile)));
            Assert.Equal(0, TinySweep.Videolab("sweep", "status", sweep.Root));
            job = null;
        }
        finally
        {
            if (job is not null) SlurmCommands.Run("scancel", [job]);  // a failed test leaves no task behind
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>As soon as each run is past its first checkpoint and still training: preempt one, warn the other of its time limit.</summary>
    static void Interrupt(SweepDirectory sweep, string job, PlannedRun preempted, PlannedRun timedOut)
    {
        bool preemptSent = false, warningSent = false;
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (!(preemptSent && warningSent))
        {
            if (!preemptSent && MidRun(sweep, preempted) is not null)
            {
                var requeue = SlurmCommands.Run("scontrol", ["requeue", $"{job}_{preempted.Index}"]);
                Assert.True(requeue.Ok, $"scontrol requeue failed: {requeue.Message}");
                preemptSent = true;
            }
            if (!warningSent && MidRun(sweep, timedOut) is { } task)
            {
                int shell = ParentOf(task.Pid);
                Assert.Contains("slurm_script", File.ReadAllText($"/proc/{shell}/cmdline"));  // the batch shell, as slurmstepd signals it
                Process.Start("kill", ["-USR1", shell.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
                warningSent = true;
            }
            Assert.True(DateTime.UtcNow < deadline, "The runs to interrupt never were mid-run (past a checkpoint, still training) within 4 minutes: " +
                                                    $"{sweep.LoadTaskState(preempted)?.Phase}, {sweep.LoadTaskState(timedOut)?.Phase}.");
            Thread.Sleep(20);
        }
    }

    /// <summary>The run's first attempt while it is training past a checkpoint, else null.</summary>
    static TaskState? MidRun(SweepDirectory sweep, PlannedRun run)
    {
        var task = sweep.LoadTaskState(run);
        var last = RunFiles.LastCheckpointPath(sweep.RunDirectory(run));
        if (task is not { Phase: TaskPhase.Running, Attempt: 1 } || !File.Exists(last)) return null;
        long step = Checkpoint.ReadHeader(last).State.Step;
        return step is >= 5 and < Steps ? task : null;
    }

    static int ParentOf(int pid) =>
        int.Parse(File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Trim().Split(' ')[1], CultureInfo.InvariantCulture);

    static List<RunStatus> WaitForAll(SweepDirectory sweep, SweepPlan plan, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var states = SweepStatus.Of(sweep, plan, SlurmQueue.Read(SlurmExecutor.Submissions(sweep)));
            string Describe() => string.Join("\n", states.Select(s => $"{s.Run.Name}: {s.State} {s.Detail}"));
            Assert.False(states.Any(s => s.State == SweepStatus.Failed), $"A run failed:\n{Describe()}");
            if (states.All(s => s.State == SweepStatus.Done)) return states;
            Assert.True(DateTime.UtcNow < deadline, $"The sweep did not finish within {limit.TotalMinutes} minutes:\n{Describe()}");
            Thread.Sleep(1000);
        }
    }
}
