using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VideoLab.Cli.Commands;
using VideoLab.Plots;
using VideoLab.Sweeps;
using VideoLab.Training;

namespace VideoLab.Tests.Sweeps;

/// <summary>The example sweep run by the local executor (<see cref="LocalTinySweep"/>): run directories, status, report, reruns and refusals.</summary>
[Collection(TinySweepCollection.Name)]
public class LocalSweepTests(LocalTinySweep local)
{
    SweepDirectory Sweep => new(local.Root);

    [Fact]
    public void Every_run_trains_to_its_own_directory_with_its_own_options()
    {
        Assert.Equal(0, local.ExitCode);
        var plan = Sweep.LoadPlan();
        Assert.Equal(8, plan.Runs.Count);
        foreach (var run in plan.Runs)
        {
            var loaded = Run.Load(Sweep.RunDirectory(run));
            Assert.Equal(run.Axes["model"], loaded.Config.Model!.Name);
            Assert.Equal(double.Parse(run.Axes["lr"], CultureInfo.InvariantCulture), loaded.Config.Method!.LearningRate);
            Assert.Equal(run.Seed, loaded.Config.Seed);
            Assert.Equal(40, loaded.Config.Training.Steps);                          // the file's quick budget
            Assert.Equal(1, loaded.Config.Versions!.Threads);                        // resources.cpus: one torch thread per run
            Assert.Contains("\"hiddenChannels\": 8", loaded.Config.Model.ConfigJson);
            Assert.Equal([20L, 40L], TinySweep.Steps(loaded.Directory, "val"));
            Assert.NotNull(loaded.LastCheckpoint);
            var task = Sweep.LoadTaskState(run)!;
            Assert.Equal((TaskPhase.Done, 1, 0), (task.Phase, task.Attempt, task.ExitCode));
            Assert.Contains("fresh start", File.ReadAllText(Sweep.LogPath(run)));
        }
        Assert.All(SweepStatus.Of(Sweep, plan, QueueSnapshot.Empty), s => Assert.Equal(SweepStatus.Done, s.State));
        Assert.Equal(0, TinySweep.Videolab("sweep", "status", local.Root));
    }

    [Fact]
    public void The_report_has_every_runs_metrics_the_spread_over_seeds_loss_curves_and_the_best_runs_samples()
    {
        Assert.Equal(0, TinySweep.Videolab("sweep", "report", local.Root));
        var csv = File.ReadAllLines(Path.Combine(local.Root, SweepReport.CsvFile));
        var header = csv[0].Split(',');
        Assert.Equal(["run", "configuration", "model", "lr", "seed", "state", "steps"], header.Take(7));
        foreach (var column in new[] { "final_loss", "best_loss", "final_psnr", "best_psnr", "final_ssim", "best_ssim", "final_train_loss" })
            Assert.Contains(column, header);
        var rows = csv.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(8, rows.Count);
        double Value(string[] row, string column) => double.Parse(row[Array.IndexOf(header, column)], CultureInfo.InvariantCulture);
        Assert.All(rows, r => Assert.Equal("done", r[5]));
        Assert.All(rows, r => Assert.True(Value(r, "best_loss") <= Value(r, "final_loss")));
        Assert.All(rows, r => Assert.True(Value(r, "best_psnr") >= Value(r, "final_psnr")));

        // Mean and standard deviation over the two seeds, recomputed here from the CSV.
        var results = SweepResults.Load(Sweep);
        Assert.Equal(4, results.Configurations.Count);
        foreach (var configuration in results.Configurations)
        {
            var values = rows.Where(r => r[1] == configuration.Configuration).Select(r => Value(r, "best_loss")).ToList();
            Assert.Equal(2, values.Count);
            var spread = configuration.Values["best_loss"];
            Assert.Equal(values.Average(), spread.Mean, 12);
            Assert.Equal(Math.Abs(values[0] - values[1]) / Math.Sqrt(2), spread.StandardDeviation, 12);
        }

        var html = File.ReadAllText(Path.Combine(local.Root, SweepReport.PageFile));
        var best = rows.MinBy(r => Value(r, "best_loss"))!;
        Assert.Contains($"Best run: {best[0]}", html);
        Assert.Equal(2, Regex.Matches(html, "<table class=\"vl-table vl-sortable\"").Count);
        Assert.Single(Regex.Matches(html, "function videolabSortables"));
        Assert.Equal(2, Regex.Matches(html, "class=\"vl-chart\"").Count);                   // validation and training loss, every run overlaid
        Assert.Equal(2 * 8, Regex.Matches(html, Regex.Escape("\"name\":\"model=conv")).Count);  // 8 runs in each chart
        Assert.Contains("class=\"vl-player\"", html);
        Assert.Contains("<figcaption>prediction #0</figcaption>", html);
        Assert.Contains("first validation clip", html);                                      // the frame grid
        Assert.Contains("href=\"results.csv\"", html);
        Assert.DoesNotMatch(@"<script[^>]*\bsrc=", html);                                   // offline
        Assert.Single(Regex.Matches(html, Regex.Escape(PlotlyJs.ScriptMarker)));                 // plotly.js inlined once
    }

    [Fact]
    public void Running_again_keeps_finished_runs_and_a_different_sweep_in_the_same_directory_is_refused()
    {
        var planBefore = File.ReadAllText(Sweep.PlanPath);
        Assert.Equal(0, TinySweep.Videolab("sweep", "run", TinySweep.ExampleFile, "--quick", "--out", local.Root));
        Assert.All(Sweep.LoadPlan().Runs, r => Assert.Equal(1, Sweep.LoadTaskState(r)!.Attempt));  // nothing ran twice

        var folder = SweepPlanTests.TrainingFixtureFolder();
        var otherBudget = TinySweep.EditedCopy(folder, t => t.Replace("  steps: 40", "  steps: 30"));  // same names, different runs
        Assert.Equal(TrainCommand.BadInput, TinySweep.Videolab("sweep", "run", otherBudget, "--quick", "--out", local.Root));
        var otherRates = TinySweep.EditedCopy(folder, t => t.Replace("lr: [0.001, 0.003]", "lr: [0.01]"));
        Assert.Equal(TrainCommand.BadInput, TinySweep.Videolab("sweep", "run", otherRates, "--quick", "--out", local.Root));
        Assert.Equal(planBefore, File.ReadAllText(Sweep.PlanPath));

        var message = Assert.Throws<SweepException>(() => Sweep.Prepare(
            SweepPlanner.Expand(SweepFile.Load(otherBudget), true, new SweepTrainArguments()), otherBudget)).Message;
        Assert.Contains("already holds a different run", message);
        Assert.Contains("--steps 40", message);
        Assert.Contains("--steps 30", message);
    }

    [Fact]
    public void Bad_sweep_files_exit_with_2_before_anything_is_written()
    {
        var folder = SweepPlanTests.TrainingFixtureFolder();
        foreach (var bad in new[]
                 {
                     TinySweep.EditedCopy(folder, t => t.Replace("  batch-size: 8", "  batch-sise: 8")),
                     TinySweep.EditedCopy(folder, t => t.Replace("model: [convlstm, convgru]", "model: [convlstm, convlsmt]")),
                     TinySweep.EditedCopy(folder, t => t.Replace("seeds: [1, 2]", "seeds: []")),
                 })
        {
            var sweep = Path.Combine(folder, Path.GetFileNameWithoutExtension(bad));
            Assert.Equal(TrainCommand.BadInput, TinySweep.Videolab("sweep", "run", bad, "--quick", "--out", sweep));
            Assert.Equal(TrainCommand.BadInput, TinySweep.Videolab("sweep", "run", bad, "--quick", "--out", sweep, "--executor", "slurm"));
            Assert.False(Directory.Exists(sweep));
        }
    }

    [Fact]
    public void A_run_that_train_refuses_fails_with_its_error_line_and_leaves_no_run_directory()
    {
        var (file, sweep) = TinySweep.OneRun("refused", "{size: tiny, frames: 6, image-size: 16, batch-size: 4, steps: 2, option: {context: 9}}");
        Assert.Equal(TrainCommand.Failed, TinySweep.Videolab("sweep", "run", file, "--out", sweep.Root));
        var run = sweep.LoadPlan().Runs.Single();
        var status = SweepStatus.Of(sweep, sweep.LoadPlan(), QueueSnapshot.Empty).Single();
        Assert.Equal(SweepStatus.Failed, status.State);
        Assert.Contains("error: Clips have 6 frames, which cannot be split into 9 context", status.Detail);
        Assert.Contains("--frames", status.Detail);          // the wrapped message is whole again
        Assert.Equal(2, sweep.LoadTaskState(run)!.ExitCode);
        Assert.False(Directory.Exists(sweep.RunDirectory(run)));
        Assert.Contains("cannot be split", File.ReadAllText(sweep.LogPath(run)));
    }

    [Fact]
    public void A_task_stopped_by_SIGTERM_saves_its_run_and_the_next_sweep_run_resumes_it()
    {
        // No periodic checkpoint before the end: a last.ckpt mid-run can only come from the save on SIGTERM.
        var (file, sweep) = TinySweep.OneRun("stopped", "{size: tiny, frames: 6, image-size: 16, batch-size: 4, steps: 60, checkpoint-every: 1000, validate-every: 1000, set: {hiddenChannels: 4}}");
        var plan = SweepPlanner.Expand(SweepFile.Load(file), false, new SweepTrainArguments());
        sweep.Prepare(plan, file);
        var run = plan.Runs.Single();

        var command = SweepCommand.VideolabCommandLine();
        var start = new System.Diagnostics.ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1).Concat(["sweep", "task", sweep.Root, "--index", "0"])) start.ArgumentList.Add(a);
        using var task = System.Diagnostics.Process.Start(start)!;
        task.OutputDataReceived += (_, _) => { };
        task.ErrorDataReceived += (_, _) => { };
        task.BeginOutputReadLine();
        task.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (SweepStatus.LastStep(sweep.RunDirectory(run)) is null && !task.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.False(task.HasExited, "the run ended before it could be stopped");
        System.Diagnostics.Process.Start("kill", ["-TERM", task.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();  // what Slurm sends
        Assert.True(task.WaitForExit(60_000));

        Assert.Equal(130, task.ExitCode);
        Assert.Contains("SIGTERM: stopping after the step under way and saving last.ckpt.", File.ReadAllText(sweep.LogPath(run)));  // train's own word, in the task's log
        Assert.Equal(TaskPhase.Interrupted, sweep.LoadTaskState(run)!.Phase);
        long saved = Checkpoint.ReadHeader(RunFiles.LastCheckpointPath(sweep.RunDirectory(run))).State.Step;
        Assert.InRange(saved, 10, 59);
        Assert.Equal(SweepStatus.Stopped, SweepStatus.Of(sweep, plan, QueueSnapshot.Empty).Single().State);

        Assert.Equal(0, TinySweep.Videolab("sweep", "run", file, "--out", sweep.Root));
        var resumed = sweep.LoadTaskState(run)!;
        Assert.Equal((TaskPhase.Done, 2, saved), (resumed.Phase, resumed.Attempt, resumed.ResumedFromStep!.Value));
        Assert.Equal([10L, 20, 30, 40, 50, 60], TinySweep.Steps(sweep.RunDirectory(run), "train"));
    }
}
