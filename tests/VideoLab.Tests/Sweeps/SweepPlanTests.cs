using System.Globalization;
using VideoLab.Cli.Commands;
using VideoLab.Sweeps;

namespace VideoLab.Tests.Sweeps;

/// <summary>Sweep files read and expanded into runs, checked against `videolab train` itself; no training.</summary>
public class SweepPlanTests
{
    static readonly SweepTrainArguments Train = new();

    static SweepPlan Plan(string yaml, bool quick = false) => SweepPlanner.Expand(SweepFile.Parse(yaml, "test.yaml"), quick, Train);

    static string Refusal(string yaml) => Assert.Throws<SweepException>(() => Plan(yaml)).Message;

    [Fact]
    public void The_example_expands_to_models_times_learning_rates_times_seeds_with_stable_names()
    {
        var sweep = SweepFile.Load(TinySweep.ExampleFile);
        var plan = SweepPlanner.Expand(sweep, quick: false, Train);
        Assert.Equal(8, plan.Runs.Count);
        Assert.Equal(["model", "lr"], plan.AxisKeys);
        Assert.Equal(["model=convlstm_lr=0.001_seed=1", "model=convlstm_lr=0.001_seed=2", "model=convlstm_lr=0.003_seed=1"], plan.Runs.Take(3).Select(r => r.Name));
        Assert.Equal("model=convgru_lr=0.003_seed=2", plan.Runs[^1].Name);
        Assert.Equal(4, plan.Runs.Select(r => r.Configuration).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 8), plan.Runs.Select(r => r.Index));

        var args = string.Join(' ', plan.Runs[2].Arguments);
        Assert.Contains("--model convlstm --lr 0.003 --seed 1", args);
        Assert.Contains("--set hiddenChannels=8", args);
        Assert.Contains("--steps 400", args);

        // Quick mode changes the budget, not the runs; the same file always gives the same plan.
        var quick = SweepPlanner.Expand(sweep, quick: true, Train);
        Assert.Equal(plan.Runs.Select(r => r.Name), quick.Runs.Select(r => r.Name));
        Assert.Contains("--steps 40", string.Join(' ', quick.Runs[2].Arguments));
        Assert.DoesNotContain("--steps 400", string.Join(' ', quick.Runs[2].Arguments));
        Assert.Equal(quick.ToJson(), SweepPlanner.Expand(SweepFile.Load(TinySweep.ExampleFile), quick: true, Train).ToJson());
        Assert.Equal(quick.ToJson(), SweepPlan.FromJson(quick.ToJson(), "sweep.json").ToJson());
    }

    const string RandomSweep = """
        name: draws
        train: {steps: 5, size: tiny}
        grid:
          batch-size: [4, 8]
        random:
          draws: 5
          seed: 3
          axes:
            lr: {log-uniform: [1.0e-4, 1.0e-2]}
            set.hiddenChannels: {int-uniform: [4, 8]}
            model: {choice: [convlstm, convgru]}
        """;

    [Fact]
    public void Random_draws_are_reproducible_within_their_ranges_and_named_by_their_values()
    {
        var plan = Plan(RandomSweep);
        Assert.Equal(2 * 5, plan.Runs.Count);
        Assert.Equal(["batch-size", "lr", "set.hiddenChannels", "model"], plan.AxisKeys);
        foreach (var run in plan.Runs)
        {
            double lr = double.Parse(run.Axes["lr"], CultureInfo.InvariantCulture);
            Assert.InRange(lr, 1e-4, 1e-2);
            Assert.InRange(int.Parse(run.Axes["set.hiddenChannels"], CultureInfo.InvariantCulture), 4, 8);
            Assert.Contains(run.Axes["model"], new[] { "convlstm", "convgru" });
            Assert.Contains($"lr={run.Axes["lr"]}", run.Name);                    // the name shows exactly the value the run gets
            Assert.Contains($"--lr {run.Axes["lr"]}", string.Join(' ', run.Arguments));
            Assert.Contains($"--set hiddenChannels={run.Axes["set.hiddenChannels"]}", string.Join(' ', run.Arguments));
        }
        // Each draw is combined with every grid point: the two batch sizes share the 5 draws.
        Assert.Equal(plan.Runs.Take(5).Select(r => r.Axes["lr"]), plan.Runs.Skip(5).Select(r => r.Axes["lr"]));
        Assert.True(plan.Runs.Take(5).Select(r => r.Axes["lr"]).Distinct().Count() > 1);
        Assert.Equal(plan.ToJson(), Plan(RandomSweep).ToJson());
        Assert.NotEqual(plan.Runs.Select(r => r.Name), Plan(RandomSweep.Replace("seed: 3", "seed: 4")).Runs.Select(r => r.Name));
    }

    [Fact]
    public void An_option_train_does_not_know_is_refused_with_its_line_and_trains_options()
    {
        var message = Refusal("train:\n  steps: 5\n  lrr: 0.1\ngrid: {model: [convlstm]}\n");
        Assert.Contains("test.yaml:3", message);
        Assert.Contains("'lrr' is not an option of `videolab train`", message);
        Assert.Contains("batch-size", message);       // lists what train accepts, read from train itself
        Assert.Contains("checkpoint-every", message);
    }

    [Fact]
    public void A_model_that_does_not_exist_is_refused_naming_the_run_and_the_known_models()
    {
        var message = Refusal("train: {steps: 5}\ngrid:\n  model: [convlstm, no-such-model]\n");
        Assert.Contains("run model=no-such-model", message);
        Assert.Contains("Unknown model 'no-such-model'", message);
        Assert.Contains("convgru", message);
    }

    [Fact]
    public void An_axis_with_no_values_is_refused()
    {
        Assert.Contains("grid axis 'lr' has no values", Refusal("grid:\n  model: [convlstm]\n  lr: []\n"));
        Assert.Contains("test.yaml:3", Refusal("grid:\n  model: [convlstm]\n  lr:\n"));
        Assert.Contains("seeds is empty", Refusal("seeds: []\n"));
        Assert.Contains("random: axes is empty", Refusal("random: {draws: 2, axes: {}}\n"));
    }

    [Theory]
    [InlineData("train: {steps: many}\n", "many")]                                                        // train's parser: not a number
    [InlineData("train: {set: {noSuchField: 3}}\n", "has no config field 'noSuchField'")]                  // the model's config record
    [InlineData("train: {data: no-such-data}\n", "Unknown dataset 'no-such-data'")]
    [InlineData("train: {out: x}\n", "set by the sweep itself")]
    [InlineData("train: {seed: 3}\nseeds: [1, 2]\n", "give seeds in one place")]
    [InlineData("train: {lr: 0.1}\ngrid: {lr: [0.1, 0.2]}\n", "'lr' is a grid axis and also a train option")]
    [InlineData("grid: {lr: [0.1, 0.1]}\n", "lists '0.1' twice")]
    [InlineData("train: {lr: [0.1, 0.2]}\n", "train option 'lr' takes one value; to try several, make it a grid axis")]
    [InlineData("train: {steps: 5\n", "not valid YAML")]
    [InlineData("trian: {steps: 5}\n", "unknown section 'trian'")]
    [InlineData("resources: {memory: lots}\n", "memory 'lots' is not Slurm's notation")]
    [InlineData("resources: {time: soon}\n", "time 'soon' is not Slurm's notation")]
    [InlineData("random: {draws: 2, axes: {lr: {log-uniform: [0, 1]}}}\n", "log-uniform needs positive bounds")]
    [InlineData("random: {draws: 2, axes: {lr: {normal: [0, 1]}}}\n", "unknown distribution 'normal'")]
    [InlineData("quick: {model: convgru}\ngrid: {model: [convlstm]}\n", "quick sets 'model', which is an axis")]
    public void Other_mistakes_are_refused_with_a_message_that_says_what_is_wrong(string yaml, string expected) =>
        Assert.Contains(expected, Refusal(yaml));

    [Fact]
    public void The_plan_verb_prints_the_runs_and_writes_nothing_and_a_bad_file_exits_with_2()
    {
        var folder = TrainingFixtureFolder();
        var sweep = Path.Combine(folder, "sweep");
        Assert.Equal(0, TinySweep.Videolab("sweep", "plan", TinySweep.ExampleFile, "--quick", "--out", sweep));
        Assert.False(Directory.Exists(sweep));
        var bad = TinySweep.EditedCopy(folder, t => t.Replace("lr: [0.001, 0.003]", "lr: []"));
        Assert.Equal(TrainCommand.BadInput, TinySweep.Videolab("sweep", "plan", bad));
        Assert.Equal(TrainCommand.BadInput, TinySweep.Videolab("sweep", "plan", Path.Combine(folder, "missing.yaml")));
    }

    [Theory]
    [InlineData("30", 1800)]
    [InlineData("05:30", 330)]
    [InlineData("02:00:00", 7200)]
    [InlineData("1-00", 86400)]
    [InlineData("1-02:30", 95400)]
    [InlineData("2-00:00:10", 172810)]
    [InlineData("soon", null)]
    [InlineData("1:2:3:4", null)]
    public void Slurm_time_limits_are_read_in_every_notation_sbatch_accepts(string text, int? seconds) =>
        Assert.Equal((long?)seconds, SlurmTime.Seconds(text));

    internal static string TrainingFixtureFolder() => Training.TrainingFixtures.TempDirectory();
}
