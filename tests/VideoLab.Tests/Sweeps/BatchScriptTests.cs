using System.Diagnostics;
using VideoLab.Cli.Commands;
using VideoLab.Sweeps;

namespace VideoLab.Tests.Sweeps;

/// <summary>The Slurm batch script as `sweep run --executor slurm --dry-run` writes it, and refusals that need no cluster.</summary>
public class BatchScriptTests
{
    [Fact]
    public void A_dry_run_writes_one_job_array_with_the_files_resources_and_the_requeue_machinery()
    {
        var sweep = Path.Combine(SweepPlanTests.TrainingFixtureFolder(), "dry");
        Assert.Equal(0, TinySweep.Videolab("sweep", "run", TinySweep.ExampleFile, "--quick", "--executor", "slurm", "--dry-run", "--out", sweep));
        var script = File.ReadAllText(Path.Combine(sweep, "slurm", "sweep.sbatch"));
        var lines = script.Split('\n');
        foreach (var expected in new[]
                 {
                     "#SBATCH --job-name=tiny-predictors", "#SBATCH --array=0-7", "#SBATCH --cpus-per-task=1", "#SBATCH --mem=2G",
                     "#SBATCH --time=00:30:00", "#SBATCH --requeue", "#SBATCH --signal=B:USR1@120", "#SBATCH --open-mode=append",
                     $"#SBATCH --output={sweep}/slurm/%A_%a.out", "trap requeue USR1",
                 })
            Assert.Contains(expected, lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("#SBATCH --partition") || l.StartsWith("#SBATCH --gres"));  // not in the file: the cluster's defaults
        Assert.Contains($"sweep task '{sweep}' --index \"$SLURM_ARRAY_TASK_ID\" &", script);
        Assert.Contains("scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"", script);
        // Every #SBATCH line comes before the first command, or sbatch ignores it.
        int firstCommand = Array.FindIndex(lines, l => l.Length > 0 && !l.StartsWith('#'));
        Assert.True(Array.FindLastIndex(lines, l => l.StartsWith("#SBATCH")) < firstCommand);
        Assert.Equal(0, Bash("-n", Path.Combine(sweep, "slurm", "sweep.sbatch")));

        // The plan is there for the tasks; no run directory exists before a task starts one.
        Assert.True(File.Exists(Path.Combine(sweep, SweepDirectory.PlanFile)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(sweep, SweepDirectory.RunsFolder)));
    }

    [Fact]
    public void Gpus_partition_extra_options_and_setup_lines_reach_the_script_and_short_limits_get_no_warning_signal()
    {
        var plan = new SweepPlan("big", false, new SweepResources(Partition: "gpu", Gpus: 2, Cpus: 8, Memory: "64G", Time: "5",
                                                                 Sbatch: ["--account=lab"], Setup: ["module load dotnet/10"]),
                                 [], [new PlannedRun(0, "a", "a", new Dictionary<string, string>(), null, ["--steps", "1"])]);
        var script = BatchScript.Create(plan, new SweepDirectory("/shared/sweeps/big"), [0, 1, 2, 5, 7, 8], ["videolab"], throttle: 4);
        var lines = script.Split('\n');
        foreach (var expected in new[] { "#SBATCH --array=0-2,5,7-8%4", "#SBATCH --partition=gpu", "#SBATCH --gres=gpu:2", "#SBATCH --cpus-per-task=8",
                                         "#SBATCH --time=5", "#SBATCH --account=lab", "module load dotnet/10" })
            Assert.Contains(expected, lines);
        Assert.DoesNotContain("--signal", script);          // 5 minutes: a warning could come before the run did anything
        Assert.DoesNotContain("trap requeue USR1", script);
        Assert.Contains("'videolab' sweep task '/shared/sweeps/big'", script);
        Assert.Throws<SweepException>(() => BatchScript.Create(plan, new SweepDirectory("/tmp/with space"), [0], ["videolab"]));
    }

    [Fact]
    public void Without_sbatch_on_PATH_the_slurm_executor_says_what_to_do_and_writes_nothing()
    {
        var sweep = Path.Combine(SweepPlanTests.TrainingFixtureFolder(), "no-sbatch");
        var (code, output) = TinySweep.VideolabProcess(new Dictionary<string, string> { ["PATH"] = "/nonexistent" },
                                                       "sweep", "run", TinySweep.ExampleFile, "--quick", "--executor", "slurm", "--out", sweep);
        Assert.Equal(TrainCommand.BadInput, code);
        Assert.Contains("sbatch is not on PATH", output);
        Assert.Contains("--dry-run", output);
        Assert.False(Directory.Exists(sweep));
    }

    static int Bash(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
