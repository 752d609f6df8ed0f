using Spectre.Console;
using VideoLab.Data;
using VideoLab.Training;

namespace VideoLab.Cli.Commands;

/// <summary>A Spectre.Console progress bar for a training run, with the loss and learning rate in its description, refreshed each step.</summary>
static class LiveProgress
{
    public static TrainResult Run(Trainer trainer, TrainerSettings settings, ClipLoader train, ClipLoader validation, CancellationToken cancel)
    {
        TrainResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: 1.0);
                double? smoothed = null;
                trainer.StepCompleted += report =>
                {
                    double loss = report.Losses.GetValueOrDefault("loss", double.NaN);
                    smoothed = smoothed is double s ? 0.9 * s + 0.1 * loss : loss;
                    task.Description = $"step {report.Step} · epoch {report.Epoch} · loss {smoothed:F5} · lr {report.LearningRate:G3}";
                    task.Value = Fraction(settings, report, train);
                };
                trainer.Validated += v =>
                {
                    var line = TrainCommand.Describe(v.Record.Values);
                    if (v.IsBest) AnsiConsole.MarkupLineInterpolated($"[grey]step {v.Record.Step}[/] validation: {line} [green](best)[/]");
                    else AnsiConsole.MarkupLineInterpolated($"[grey]step {v.Record.Step}[/] validation: {line}");
                };
                result = trainer.Fit(train, validation, cancel);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    /// <summary>How far the run is, by whichever budget is furthest along.</summary>
    static double Fraction(TrainerSettings s, StepReport r, ClipLoader train)
    {
        double f = 0;
        if (s.Steps is long steps) f = Math.Max(f, r.Step / (double)steps);
        if (s.Epochs is int epochs) f = Math.Max(f, r.Step / (double)(epochs * train.BatchesPerEpoch));
        if (s.Minutes is double minutes) f = Math.Max(f, r.Seconds / (minutes * 60));
        return Math.Min(1, f);
    }
}
