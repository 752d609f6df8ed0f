using TorchSharp;
using VideoLab.Data;
using VideoLab.Runtime;
using VideoLab.Tests.Runtime;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Tests.Training;

public class TrainerTests
{
    static PredictionMethod Method(long seed, double lr = 3e-3)
    {
        Lab.Seed(seed);  // the model's initial weights
        return new PredictionMethod(new TinyPredictor(), new MethodSettings(LearningRate: lr),
                                    new PredictionSettings(ContextFrames: 3, Horizon: 3));
    }

    static ClipLoader Loader(long count = 16, int batch = 4) => new(TrainingFixtures.Clips(count), batch, shuffle: true, seed: 5);

    static TrainerSettings Settings(long steps) => new(
        Steps: steps, Seed: 7, LogEvery: 1, ValidateEvery: 2, ValidationBatches: 1, CheckpointEvery: 2,
        ClipGradNorm: 1.0, Schedule: LrSchedule.WarmupCosine, WarmupSteps: 2);

    static List<double> Losses(Trainer trainer) =>
        trainer.History.Where(r => r.Split == "train").Select(r => r.Values["loss"]).ToList();

    [Fact]
    public void A_run_killed_and_resumed_repeats_the_uninterrupted_losses_exactly()
    {
        lock (SeedLock.Gate)
        {
            const int total = 6;
            var reference = new Trainer(Method(1), Settings(total)) { RunDirectory = TrainingFixtures.TempDirectory() };
            reference.Fit(Loader(), Loader(count: 4, batch: 4));
            var expected = Losses(reference);
            Assert.Equal(total, expected.Count);

            // The same run, "killed" (an exception out of the step callback) at step 3: the last checkpoint is step 2.
            var directory = TrainingFixtures.TempDirectory();
            var killed = new Trainer(Method(1), Settings(total)) { RunDirectory = directory };
            killed.StepCompleted += report => { if (report.Step == 3) throw new OperationCanceledException("kill"); };
            Assert.Throws<OperationCanceledException>(() => killed.Fit(Loader(), Loader(count: 4, batch: 4)));
            Assert.Equal(2, Checkpoint.ReadHeader(RunFiles.LastCheckpointPath(directory)).State.Step);

            // A fresh process would build the model from another seed: the checkpoint must restore everything.
            var resumed = new Trainer(Method(999), Settings(total)) { RunDirectory = directory, ResumeFrom = RunFiles.LastCheckpointPath(directory) };
            var result = resumed.Fit(Loader(), Loader(count: 4, batch: 4));
            Assert.Equal(total, result.Steps);
            Assert.Equal(expected, Losses(resumed));  // steps 1–2 read back from metrics.jsonl, 3–6 trained again
            Assert.Equal(expected, RunFiles.ReadMetrics(directory).Where(r => r.Split == "train").Select(r => r.Values["loss"]));
            Assert.Equal(reference.History.Where(r => r.Split == "val").Select(r => r.Values["loss"]),
                         resumed.History.Where(r => r.Split == "val").Select(r => r.Values["loss"]));
        }
    }

    sealed class NaNAtStep(ITrainingMethod inner, long badStep) : ITrainingMethod
    {
        public IReadOnlyDictionary<string, nn.Module> Modules => inner.Modules;
        public IReadOnlyDictionary<string, optim.Optimizer> Optimizers => inner.Optimizers;
        public IReadOnlyDictionary<string, double> Evaluate(Tensor batch) => inner.Evaluate(batch);
        public IReadOnlyDictionary<string, double> TrainStep(Tensor batch, StepContext context)
        {
            var losses = inner.TrainStep(batch, context);
            return context.Step == badStep ? new Dictionary<string, double>(losses) { ["loss"] = double.NaN } : losses;
        }
    }

    [Fact]
    public void A_nan_loss_stops_the_run_naming_the_step_and_keeps_the_last_good_checkpoint()
    {
        lock (SeedLock.Gate)
        {
            var directory = TrainingFixtures.TempDirectory();
            var trainer = new Trainer(new NaNAtStep(Method(1), badStep: 3), new TrainerSettings(Steps: 10, CheckpointEvery: 2, ValidateEvery: 0))
            { RunDirectory = directory };
            var e = Assert.Throws<NonFiniteLossException>(() => trainer.Fit(Loader()));
            Assert.Equal(3, e.Step);
            Assert.Contains("step 3", e.Message);
            Assert.Contains("NaN", e.Message);
            Assert.Equal(RunFiles.LastCheckpointPath(directory), e.LastGoodCheckpoint);
            var header = Checkpoint.Restore(RunFiles.LastCheckpointPath(directory), Method(2).Modules, Method(2).Optimizers, restoreRng: false);
            Assert.Equal(2, header.State.Step);
        }
    }

    sealed class OutOfMemoryAtStep(ITrainingMethod inner) : ITrainingMethod
    {
        public IReadOnlyDictionary<string, nn.Module> Modules => inner.Modules;
        public IReadOnlyDictionary<string, optim.Optimizer> Optimizers => inner.Optimizers;
        public IReadOnlyDictionary<string, double> Evaluate(Tensor batch) => inner.Evaluate(batch);
        public IReadOnlyDictionary<string, double> TrainStep(Tensor batch, StepContext context) =>
            throw new System.Runtime.InteropServices.ExternalException("CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 79.1 GiB total capacity)");
    }

    [Fact]
    public void Running_out_of_device_memory_names_the_batch_size_and_suggests_a_smaller_one()
    {
        lock (SeedLock.Gate)
        {
            var e = Assert.Throws<TrainingOutOfMemoryException>(() =>
                new Trainer(new OutOfMemoryAtStep(Method(1)), new TrainerSettings(Steps: 2, ValidateEvery: 0)).Fit(Loader(batch: 8)));
            Assert.Equal(8, e.BatchSize);
            Assert.Contains("batch size 8", e.Message);
            Assert.Contains("--batch-size 4", e.Message);
        }
    }

    [Fact]
    public void A_data_model_mismatch_fails_before_training_naming_both_shapes()
    {
        lock (SeedLock.Gate)
        {
            Lab.Seed(0);
            var method = new PredictionMethod(new TinyPredictor(channels: 1), new MethodSettings());  // grey model, colour data
            var trainer = new Trainer(method, new TrainerSettings(Steps: 5));
            int steps = 0;
            trainer.StepCompleted += _ => steps++;
            var e = Assert.Throws<DataModelMismatchException>(() => trainer.Fit(Loader()));
            Assert.Contains("(4, 6, 3, 16, 16)", e.Message);  // the data's batch
            Assert.Contains("(B, T, 1, H, W)", e.Message);    // what the model expects
            Assert.Equal(0, steps);
        }
    }

    [Fact]
    public void Budgets_schedules_early_stopping_and_cancellation()
    {
        lock (SeedLock.Gate)
        {
            // Epochs: 8 clips in batches of 4 = 2 steps per epoch.
            var byEpochs = new Trainer(Method(1), new TrainerSettings(Epochs: 2, ValidateEvery: 0)).Fit(Loader(count: 8));
            Assert.Equal((4L, StopReason.EpochBudget, 2), (byEpochs.Steps, byEpochs.Reason, byEpochs.Epoch));

            // Warm-up then cosine: the learning rate climbs for 2 steps, then falls.
            var rates = new List<double>();
            var scheduled = new Trainer(Method(1, lr: 0.01), new TrainerSettings(Steps: 6, Schedule: LrSchedule.WarmupCosine, WarmupSteps: 2, ValidateEvery: 0));
            scheduled.StepCompleted += r => rates.Add(r.LearningRate);
            scheduled.Fit(Loader());
            Assert.Equal(0.005, rates[0], 9);
            Assert.Equal(0.01, rates[1], 9);
            Assert.Equal(0.01, rates[2], 9);  // cosine starts at its peak
            Assert.True(rates[3] < rates[2] && rates[5] < rates[3]);

            // Early stopping: "max" of the loss never improves after the first validation (the loss falls).
            var early = new Trainer(Method(1), new TrainerSettings(Steps: 40, ValidateEvery: 1, ValidationBatches: 1,
                                                                   MonitorMode: "max", EarlyStoppingPatience: 2)).Fit(Loader(), Loader(4, 4));
            Assert.Equal(StopReason.EarlyStopping, early.Reason);
            Assert.True(early.Steps < 40);

            // Cancellation (Ctrl-C) after step 2: saves and returns.
            var directory = TrainingFixtures.TempDirectory();
            using var cancel = new CancellationTokenSource();
            var cancelled = new Trainer(Method(1), new TrainerSettings(Steps: 40, ValidateEvery: 0, CheckpointEvery: 0)) { RunDirectory = directory };
            cancelled.StepCompleted += r => { if (r.Step == 2) cancel.Cancel(); };
            var result = cancelled.Fit(Loader(), cancel: cancel.Token);
            Assert.Equal((2L, StopReason.Cancelled), (result.Steps, result.Reason));
            Assert.Equal(2, Checkpoint.ReadHeader(RunFiles.LastCheckpointPath(directory)).State.Step);

            // The host's cancellation (a notebook cell's interrupt) stops it the same way, with no token passed.
            var hosted = TrainingFixtures.TempDirectory();
            using var host = new CancellationTokenSource();
            var interrupted = new Trainer(Method(1), new TrainerSettings(Steps: 40, ValidateEvery: 0, CheckpointEvery: 0)) { RunDirectory = hosted };
            interrupted.StepCompleted += r => { if (r.Step == 3) host.Cancel(); };
            TrainResult stopped;
            try
            {
                VideoLab.Runtime.HostCancellation.Set(host.Token);
                stopped = interrupted.Fit(Loader());
            }
            finally { VideoLab.Runtime.HostCancellation.Set(CancellationToken.None); }
            Assert.Equal((3L, StopReason.Cancelled), (stopped.Steps, stopped.Reason));
            Assert.Equal(3, Checkpoint.ReadHeader(RunFiles.LastCheckpointPath(hosted)).State.Step);
        }
    }

    [Fact]
    public void Training_lowers_the_loss_of_a_fixed_batch()
    {
        lock (SeedLock.Gate)
        {
            var trainer = new Trainer(Method(3, lr: 1e-2), new TrainerSettings(Steps: 20, LogEvery: 1, ValidateEvery: 0));
            trainer.Fit(new ClipLoader(TrainingFixtures.Clips(4), 4, shuffle: false));
            var losses = Losses(trainer);
            Assert.True(losses[^1] < 0.5 * losses[0], $"loss {losses[0]} → {losses[^1]}");
        }
    }

    [Fact]
    public void Settings_without_a_budget_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainerSettings().Validate());
        Assert.Contains("budget", e.Message);
        Assert.Throws<ArgumentException>(() => new TrainerSettings(Minutes: 1, Schedule: LrSchedule.OneCycle).Validate());
    }

    [Fact]
    public void Scheduled_sampling_decays_linearly()
    {
        var s = new ScheduledSampling(Start: 1, End: 0, DecayFraction: 0.5);
        Assert.Equal(1, s.Probability(0, 100));
        Assert.Equal(0.5, s.Probability(25, 100), 12);
        Assert.Equal(0, s.Probability(50, 100));
        Assert.Equal(0, s.Probability(90, 100));
        Assert.Equal(0.5, s.Probability(500, null), 12);  // unknown length: FallbackDecaySteps = 1000
    }
}
