using VideoLab.Cli.Commands;
using VideoLab.Sweeps;

namespace VideoLab.Tests.Sweeps;

/// <summary>What a sweep task does before and after train, without training.</summary>
public class SweepTaskTests
{
    [Fact]
    public void A_run_is_trained_by_one_task_at_a_time()
    {
        var (file, sweep) = TinySweep.OneRun("locked", "{size: tiny, steps: 2}");
        var plan = SweepPlanner.Expand(SweepFile.Load(file), false, new SweepTrainArguments());
        sweep.Prepare(plan, file);
        // Another task holds the run (a requeued task whose old attempt is still saving, a local and a Slurm run of one folder).
        using (new FileStream(sweep.LockPath(plan.Runs[0]), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var message = Assert.Throws<SweepException>(() => new SweepTask(sweep, SweepCommand.VideolabCommandLine(), TextWriter.Null).Run(0)).Message;
            Assert.Contains("is being trained by another task", message);
        }
        Assert.Null(sweep.LoadTaskState(plan.Runs[0]));
        Assert.False(Directory.Exists(sweep.RunDirectory(plan.Runs[0])));
    }

    [Fact]
    public void Error_lines_wrapped_by_the_console_are_joined_and_stack_traces_left_out()
    {
        Assert.Equal("error: Unknown model 'x'. Known models: a, b, c.",
                     SweepTask.ErrorLine(["device cpu", "error: Unknown model 'x'. Known models: a,", "b, c."]));
        Assert.Equal("Unhandled exception. System.Exception: boom",
                     SweepTask.ErrorLine(["step 3", "Unhandled exception. System.Exception: boom", "   at VideoLab.Trainer.Fit()", "   at Main"]));
        Assert.Equal("Killed", SweepTask.ErrorLine(["step 1", "Killed", ""]));
    }
}
