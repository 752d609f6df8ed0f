using System.Diagnostics;
using TorchSharp;
using VideoLab.Data;
using VideoLab.Runtime;
using static TorchSharp.torch;

namespace VideoLab.Training;

/// <summary>
/// Runs any <see cref="ITrainingMethod"/> over a <see cref="ClipLoader"/>: the budget (steps, epochs,
/// minutes), one dispose scope per step, gradient clipping (through <see cref="StepContext"/>), the LR
/// schedule, validation in eval mode under <c>no_grad</c>, early stopping, checkpoints (<c>last</c> and
/// <c>best</c>, atomic), the run directory and events for live plots. The split of work follows
/// OpenSTL (methods own losses and updates) and PyTorch Lightning (the loop owns everything else).
/// <para>
/// Guards: before the first step a dry forward pass on one batch checks that data and model fit; a
/// NaN/Inf loss stops the run (<see cref="NonFiniteLossException"/>) without overwriting the last good
/// checkpoint; running out of device memory names the batch size (<see cref="TrainingOutOfMemoryException"/>).
/// </para>
/// <para>
/// Resume (<see cref="ResumeFrom"/>) restores weights, optimiser state, the schedule position, torch's
/// CPU generator and the loader position, so on the CPU a resumed run repeats the uninterrupted run's
/// losses exactly. The managed <see cref="Lab.Random"/> is not checkpointed: methods draw from torch.
/// </para>
/// </summary>
public sealed class Trainer(ITrainingMethod method, TrainerSettings settings)
{
    public ITrainingMethod Method { get; } = method;
    public TrainerSettings Settings { get; } = settings;

    /// <summary>Run directory to write (config.json, metrics.jsonl, checkpoints, samples); none when null.</summary>
    public string? RunDirectory { get; init; }
    /// <summary>The registered model (stored in checkpoints and config.json); requires a "model" module in the method.</summary>
    public ModelSpec? Model { get; init; }
    /// <summary>The data, as named on the command line (for config.json).</summary>
    public DataSpec? Data { get; init; }
    /// <summary>The method's settings (for config.json).</summary>
    public MethodSettings? MethodSettings { get; init; }
    /// <summary>The training recipe this run follows (for config.json), with command-line changes applied.</summary>
    public TrainingRecipe? Recipe { get; init; }
    /// <summary>A checkpoint to continue from (<c>checkpoints/last</c> of an earlier run).</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>After every step (notebooks plot from it).</summary>
    public event Action<StepReport>? StepCompleted;
    /// <summary>Every line written to metrics.jsonl (train and val); also kept in <see cref="History"/>.</summary>
    public event Action<MetricRecord>? Logged;
    /// <summary>After every validation.</summary>
    public event Action<ValidationReport>? Validated;
    /// <summary>After a checkpoint file was written (its path).</summary>
    public event Action<string>? CheckpointSaved;

    /// <summary>Every metric record of this run so far (including those read back on resume).</summary>
    public List<MetricRecord> History { get; } = [];

    TrainingState _state = new(0, 0, 0, settings.Seed);
    optim.lr_scheduler.LRScheduler? _scheduler;
    long _schedulerSteps;
    long? _totalSteps;
    string? _lastCheckpoint;

    /// <summary>Where the loop stands.</summary>
    public TrainingState State => _state;

    /// <summary>
    /// Trains until the budget runs out, early stopping triggers, or <paramref name="cancel"/> or the host's
    /// <see cref="HostCancellation.Token"/> (a notebook cell's interrupt) is signalled (then it saves <c>last</c> and
    /// returns <see cref="StopReason.Cancelled"/>).
    /// </summary>
    public TrainResult Fit(ClipLoader train, ClipLoader? validation = null, CancellationToken cancel = default)
    {
        Settings.Validate();
        if (Model is not null && !Method.Modules.ContainsKey("model"))
            throw new ArgumentException("A trainer given a ModelSpec needs the method's registered model under Modules[\"model\"], so checkpoints can rebuild it.");
        if (validation is not null && !validation.Dataset.Shape.Equals(train.Dataset.Shape))
            throw new ArgumentException($"Training clips are {train.Dataset.Shape} but validation clips are {validation.Dataset.Shape} (T, C, H, W); they must match.");

        _totalSteps = PlannedSteps(train);
        DryRun(train);
        _scheduler = BuildScheduler();
        PrepareRunDirectory(train);

        if (ResumeFrom is not null) Restore(ResumeFrom);
        else Lab.Seed(Settings.Seed);

        var clock = Stopwatch.StartNew();
        double secondsBefore = _state.Seconds;
        double Seconds() => secondsBefore + clock.Elapsed.TotalSeconds;
        IReadOnlyDictionary<string, double> lastLosses = new Dictionary<string, double>();
        IReadOnlyDictionary<string, double>? lastValidation = null;
        long firstStep = _state.Step, lastValidatedStep = -1, lastLoggedStep = _state.Step;
        double lastLogSeconds = Seconds();
        StopReason? stop = BudgetReached(Seconds());

        while (stop is null)
        {
            long index = 0;
            double rate = double.NaN;
            foreach (var batch in train.Epoch(_state.Epoch))
            {
                using (batch)
                {
                    if (index++ < _state.BatchInEpoch) continue;  // resume: this batch was used before the checkpoint
                    rate = LearningRate();  // the rate this step uses (the scheduler moves it afterwards)
                    lastLosses = TrainOneStep(batch, train.BatchSize);
                }
                _state = _state with { Step = _state.Step + 1, BatchInEpoch = index, Seconds = Seconds() };
                StepCompleted?.Invoke(new StepReport(_state.Step, _state.Epoch, _totalSteps, lastLosses, rate, _state.Seconds));

                if (_state.Step % Settings.LogEvery == 0)
                {
                    double perSecond = (_state.Step - lastLoggedStep) * train.BatchSize / Math.Max(1e-9, _state.Seconds - lastLogSeconds);
                    LogTrain(lastLosses, rate, perSecond);
                    (lastLoggedStep, lastLogSeconds) = (_state.Step, _state.Seconds);
                }
                if (validation is not null && Settings.ValidateEvery > 0 && _state.Step % Settings.ValidateEvery == 0)
                {
                    (lastValidation, bool early) = Validate(validation);
                    lastValidatedStep = _state.Step;
                    if (early) stop = StopReason.EarlyStopping;
                }
                if (Settings.CheckpointEvery > 0 && _state.Step % Settings.CheckpointEvery == 0) SaveLast();

                stop ??= cancel.IsCancellationRequested || HostCancellation.Token.IsCancellationRequested ? StopReason.Cancelled : BudgetReached(Seconds());
                if (stop is not null) break;
            }
            if (stop is null)
            {
                _state = _state with { Epoch = _state.Epoch + 1, BatchInEpoch = 0 };
                stop = BudgetReached(Seconds());
            }
        }

        // A last validation, unless this step was just validated, nothing was trained, or the user is waiting (Ctrl-C).
        if (validation is not null && lastValidatedStep != _state.Step && _state.Step > firstStep && stop != StopReason.Cancelled)
            (lastValidation, _) = Validate(validation);
        SaveLast();
        return new TrainResult(_state.Step, _state.Epoch, stop.Value, lastLosses, lastValidation, _state.BestMetric, Seconds());
    }

    /// <summary>One optimisation step in its own dispose scope; checks the losses are finite.</summary>
    IReadOnlyDictionary<string, double> TrainOneStep(Tensor batch, int batchSize)
    {
        using var scope = NewDisposeScope();
        foreach (var module in Method.Modules.Values) module.train();
        IReadOnlyDictionary<string, double> losses;
        try
        {
            var context = new StepContext(_state.Step, _state.Epoch, _totalSteps, Settings.ClipGradNorm);
            losses = CollectionPause.Run(() => Method.TrainStep(batch, context));
        }
        catch (Exception e) when (TrainingOutOfMemoryException.IsOutOfMemory(e))
        {
            throw new TrainingOutOfMemoryException(batchSize, e);
        }
        foreach (var (name, value) in losses)
            if (!double.IsFinite(value))
                throw new NonFiniteLossException(_state.Step, name, value, _lastCheckpoint);
        if (_scheduler is not null && (_totalSteps is null || _schedulerSteps < _totalSteps))
        {
            _scheduler.step();
            _schedulerSteps++;
        }
        return losses;
    }

    /// <summary>Means of the method's metrics over the validation batches, in eval mode under no_grad.</summary>
    (IReadOnlyDictionary<string, double> Values, bool EarlyStop) Validate(ClipLoader validation)
    {
        var sums = new Dictionary<string, double>();
        int batches = 0;
        using (var rng = torch.random.get_rng_state())  // validation must not change the training's random stream
        {
            foreach (var module in Method.Modules.Values) module.eval();
            using (torch.no_grad())
            {
                foreach (var batch in validation.Epoch(0))
                {
                    using var scope = NewDisposeScope();
                    using var owned = batch;
                    foreach (var (name, value) in CollectionPause.Run(() => Method.Evaluate(batch)))
                        sums[name] = sums.GetValueOrDefault(name) + value;
                    if (batches == 0) WriteSamples(batch);
                    if (++batches >= (Settings.ValidationBatches ?? int.MaxValue)) break;
                }
            }
            foreach (var module in Method.Modules.Values) module.train();
            torch.random.set_rng_state(rng);
        }
        var means = sums.ToDictionary(kv => kv.Key, kv => kv.Value / Math.Max(1, batches));
        var record = new MetricRecord(_state.Step, _state.Epoch, "val", _state.Seconds, means);
        Log(record);

        bool isBest = false, early = false;
        if (means.TryGetValue(Settings.MonitorMetric, out var monitored) && double.IsFinite(monitored))
        {
            isBest = _state.BestMetric is not double best || (Settings.MonitorMode == "min" ? monitored < best : monitored > best);
            _state = isBest
                ? _state with { BestMetric = monitored, ValidationsWithoutImprovement = 0 }
                : _state with { ValidationsWithoutImprovement = _state.ValidationsWithoutImprovement + 1 };
            early = Settings.EarlyStoppingPatience is int patience && _state.ValidationsWithoutImprovement >= patience;
            if (isBest && RunDirectory is not null) Save(RunFiles.BestCheckpointPath(RunDirectory));
        }
        Validated?.Invoke(new ValidationReport(record, isBest));
        return (means, early);
    }

    /// <summary>Runs the method's evaluation on one batch before training, so a data/model mismatch fails now, naming both shapes.</summary>
    void DryRun(ClipLoader train)
    {
        using var rng = torch.random.get_rng_state();
        using var batch = train.Epoch(0).First();
        using var scope = NewDisposeScope();
        foreach (var module in Method.Modules.Values) module.eval();
        try
        {
            using (torch.no_grad()) Method.Evaluate(batch);
        }
        catch (Exception e) when (TrainingOutOfMemoryException.IsOutOfMemory(e))
        {
            throw new TrainingOutOfMemoryException(train.BatchSize, e);
        }
        catch (Exception e)
        {
            throw new DataModelMismatchException(
                $"The model cannot take the data: a training batch is {Modules.VideoShape.Format(batch.shape)} (B, T, C, H, W), " +
                $"clips {train.Dataset.Shape} (T, C, H, W). The model said: {e.Message}", e);
        }
        finally
        {
            foreach (var module in Method.Modules.Values) module.train();
            torch.random.set_rng_state(rng);
        }
    }

    long? PlannedSteps(ClipLoader train)
    {
        long? byEpochs = Settings.Epochs is int e ? e * train.BatchesPerEpoch : null;
        return (Settings.Steps, byEpochs) switch
        {
            (long s, long b) => Math.Min(s, b),
            (long s, null) => s,
            (null, long b) => b,
            _ => null,
        };
    }

    StopReason? BudgetReached(double seconds)
    {
        if (Settings.Steps is long s && _state.Step >= s) return StopReason.StepBudget;
        if (Settings.Epochs is int e && _state.Epoch >= e) return StopReason.EpochBudget;
        if (Settings.Minutes is double m && seconds >= m * 60) return StopReason.TimeBudget;
        return null;
    }

    /// <summary>The schedule drives the first optimiser (the generator's, for GANs).</summary>
    optim.lr_scheduler.LRScheduler? BuildScheduler()
    {
        if (Settings.Schedule == LrSchedule.Constant) return null;
        var optimizer = Method.Optimizers.Values.First();
        int total = checked((int)_totalSteps!.Value);
        switch (Settings.Schedule)
        {
            case LrSchedule.OneCycle:
                double peak = optimizer.ParamGroups.First().LearningRate;
                return optim.lr_scheduler.OneCycleLR(optimizer, max_lr: peak, total_steps: total);
            case LrSchedule.WarmupCosine:
                int warmup = Math.Min(Settings.WarmupSteps, total);
                return optim.lr_scheduler.LambdaLR(optimizer, step => WarmupCosine(step, warmup, total));
            default:
                throw new ArgumentOutOfRangeException(nameof(Settings.Schedule), Settings.Schedule, null);
        }
    }

    /// <summary>Linear warm-up to 1 over <paramref name="warmup"/> steps, then half a cosine down to 0 at <paramref name="total"/>.</summary>
    public static double WarmupCosine(int step, int warmup, int total)
    {
        if (step < warmup) return (step + 1.0) / warmup;
        double progress = Math.Clamp((step - warmup) / (double)Math.Max(1, total - warmup), 0, 1);
        return 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    double LearningRate() => Method.Optimizers.Values.FirstOrDefault()?.ParamGroups.FirstOrDefault()?.LearningRate ?? double.NaN;

    void LogTrain(IReadOnlyDictionary<string, double> losses, double rate, double samplesPerSecond)
    {
        var values = new Dictionary<string, double>(losses) { ["lr"] = rate, ["samples_per_s"] = samplesPerSecond };
        Log(new MetricRecord(_state.Step, _state.Epoch, "train", _state.Seconds, values));
    }

    void Log(MetricRecord record)
    {
        History.Add(record);
        if (RunDirectory is not null) RunFiles.AppendMetric(RunDirectory, record);
        Logged?.Invoke(record);
    }

    void WriteSamples(Tensor batch)
    {
        if (RunDirectory is null || Method is not ISampleMethod sampler || Settings.SampleCount <= 0) return;
        var clips = batch.narrow(0, 0, Math.Min(Settings.SampleCount, batch.shape[0]));  // (N, T, C, H, W)
        foreach (var (label, samples) in sampler.Samples(clips))
            RunFiles.WriteClip(Path.Combine(RunDirectory, RunFiles.Samples, label + ".pt"), samples);
    }

    void PrepareRunDirectory(ClipLoader train)
    {
        if (RunDirectory is null) return;
        Directory.CreateDirectory(Path.Combine(RunDirectory, RunFiles.Checkpoints));
        Directory.CreateDirectory(Path.Combine(RunDirectory, RunFiles.Samples));
        var configPath = Path.Combine(RunDirectory, RunFiles.Config);
        if (ResumeFrom is not null && File.Exists(configPath)) return;  // a resumed run keeps its original config and log
        File.Delete(Path.Combine(RunDirectory, RunFiles.Metrics));      // a new run starts a new log
        var config = new RunConfig(Model, Data, Settings, MethodSettings, Settings.Seed, Lab.Report(), DateTime.UtcNow, Recipe, train.BatchSize);
        AtomicFile.Write(configPath, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(config.ToJson());
        });
    }

    void Restore(string path)
    {
        var header = Checkpoint.Restore(path, Method.Modules, Method.Optimizers);
        if (Model is not null && header.Model is not null && header.Model.Name != Model.Name)
            throw new ArgumentException($"Checkpoint {path} is of model '{header.Model.Name}', not '{Model.Name}'.");
        _state = header.State;
        // Schedulers are rebuilt and fast-forwarded: their learning rate is a closed form of the step.
        for (long i = 0; i < header.SchedulerSteps && _scheduler is not null; i++) _scheduler.step();
        _schedulerSteps = _scheduler is null ? 0 : header.SchedulerSteps;
        // The optimiser state again, after the fast-forward: it holds the exact learning rate and betas of that step.
        Checkpoint.Restore(path, Method.Modules, Method.Optimizers);
        _lastCheckpoint = path;
        if (RunDirectory is not null)
        {
            RunFiles.TruncateMetricsAfter(RunDirectory, _state.Step);
            if (File.Exists(Path.Combine(RunDirectory, RunFiles.Metrics))) History.AddRange(RunFiles.ReadMetrics(RunDirectory));
        }
    }

    void SaveLast()
    {
        if (RunDirectory is null) return;
        Save(RunFiles.LastCheckpointPath(RunDirectory));
        _lastCheckpoint = RunFiles.LastCheckpointPath(RunDirectory);
    }

    void Save(string path)
    {
        Checkpoint.Save(path, _state, Model, Method.Modules, Method.Optimizers, _schedulerSteps);
        CheckpointSaved?.Invoke(path);
    }
}
