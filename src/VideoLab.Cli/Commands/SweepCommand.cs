using System.CommandLine;
using Spectre.Console;
using VideoLab.Runtime;
using VideoLab.Sweeps;

namespace VideoLab.Cli.Commands;

/// <summary>Which executor runs a sweep.</summary>
public enum SweepExecutor { Local, Slurm }

/// <summary>
/// <c>videolab sweep</c>: many runs of <c>videolab train</c> from one sweep file, on this machine or as a Slurm job
/// array, and one page that compares them.
/// <list type="bullet">
/// <item><c>sweep plan FILE</c>: the runs it expands to (names, run directories, train arguments), checked against train.</item>
/// <item><c>sweep run FILE --out DIR --executor local|slurm</c>: runs them (local: <c>--parallel N</c>; slurm: <c>--dry-run</c> writes the batch script only).</item>
/// <item><c>sweep status DIR</c>: pending, running, done, failed (with its last error line), from the run directories and squeue.</item>
/// <item><c>sweep report DIR</c>: <c>report.html</c> and <c>results.csv</c>.</item>
/// <item><c>sweep task DIR --index I</c>: one run, as the executors start it (not for typing).</item>
/// </list>
/// </summary>
public static class SweepCommand
{
    public static Command Create()
    {
        var command = new Command("sweep", "Run many trainings from one sweep file (grid, random draws, seeds), locally or on Slurm, and compare them on one page.")
        {
            Plan(), RunVerb(), Status(), Report(), Task(),
        };
        return command;
    }

    static Option<bool> QuickOption() => new("--quick")
    {
        Description = "Apply the file's quick: options (CI, a first look); also on when VIDEOLAB_QUICK=1.",
        DefaultValueFactory = _ => IsOn(Environment.GetEnvironmentVariable(Lab.QuickVariable)),
    };

    static Command Plan()
    {
        var file = new Argument<string>("file") { Description = "The sweep file (YAML or JSON)." };
        var quick = QuickOption();
        var output = new Option<string?>("--out") { Description = "Sweep directory the runs would go to (default runs/sweeps/<name>)." };
        var command = new Command("plan", "Print the runs a sweep file expands to, each with its name, run directory and train arguments; nothing runs.") { file, quick, output };
        command.SetAction(parse => Guard(() =>
        {
            var plan = Expand(parse.GetValue(file)!, parse.GetValue(quick));
            var sweep = new SweepDirectory(parse.GetValue(output) ?? DefaultDirectory(plan));
            // Plain lines, not a table: the arguments are long, and the lines are easy to grep or paste.
            foreach (var run in plan.Runs)
            {
                Console.WriteLine($"{run.Index,3}  {run.Name}  →  {Path.GetRelativePath(Environment.CurrentDirectory, sweep.RunDirectory(run))}");
                Console.WriteLine($"     videolab train {string.Join(' ', run.Arguments)}");
            }
            int configurations = plan.Runs.Select(r => r.Configuration).Distinct().Count();
            AnsiConsole.MarkupLineInterpolated($"Sweep [bold]{plan.Name}[/]: {plan.Runs.Count} runs, {configurations} configurations{(plan.Quick ? " (quick mode)" : "")}, into {sweep.Root}.");
            return 0;
        }));
        return command;
    }

    static Command RunVerb()
    {
        var file = new Argument<string>("file") { Description = "The sweep file (YAML or JSON)." };
        var output = new Option<string?>("--out") { Description = "Sweep directory (default runs/sweeps/<name>); running again continues it." };
        var executor = new Option<SweepExecutor>("--executor") { Description = "local (this machine) or slurm (one sbatch job array).", DefaultValueFactory = _ => SweepExecutor.Local };
        var parallel = new Option<int?>("--parallel") { Description = "local: runs at once (default: cores / the file's cpus); slurm: array tasks at once (%N)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "slurm: write the batch script (DIR/slurm/sweep.sbatch) without submitting it." };
        var quick = QuickOption();
        var command = new Command("run", "Run a sweep: locally (sequential or --parallel N) or as a Slurm job array; finished runs are kept, stopped ones resume.")
        {
            file, output, executor, parallel, dryRun, quick,
        };
        command.SetAction(parse => Guard(() =>
        {
            var path = parse.GetValue(file)!;
            var plan = Expand(path, parse.GetValue(quick));
            var sweep = new SweepDirectory(parse.GetValue(output) ?? DefaultDirectory(plan));
            var console = Console.Out;
            if (parse.GetValue(executor) == SweepExecutor.Slurm)
            {
                new SlurmExecutor(sweep, VideolabCommandLine(), console).Run(plan, path, parse.GetValue(dryRun), parse.GetValue(parallel));
                return 0;
            }
            if (parse.GetValue(dryRun)) throw new CliException("--dry-run writes a Slurm batch script: use it with --executor slurm.");
            int workers = parse.GetValue(parallel) ?? LocalExecutor.DefaultParallel(plan.Resources);
            sweep.Prepare(plan, path);
            AnsiConsole.MarkupLineInterpolated($"Sweep [bold]{plan.Name}[/]: {plan.Runs.Count} runs, {workers} at a time, in [blue]{sweep.Root}[/]");
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            try
            {
                int code = new LocalExecutor(sweep, VideolabCommandLine(), console).Run(plan, workers, cancel.Token);
                AnsiConsole.MarkupLineInterpolated($"Status: `videolab sweep status {sweep.Root}`; page: `videolab sweep report {sweep.Root}`.");
                return code;
            }
            finally { Console.CancelKeyPress -= onCancel; }
        }));
        return command;
    }

    static Command Status()
    {
        var directory = new Argument<string>("dir") { Description = "The sweep directory." };
        var command = new Command("status", "Each run's state: pending, running, done, or failed with its last error line (from the run directories and squeue).") { directory };
        command.SetAction(parse => Guard(() =>
        {
            var sweep = new SweepDirectory(parse.GetValue(directory)!);
            var plan = sweep.LoadPlan();
            var submissions = SlurmExecutor.Submissions(sweep);
            var queue = submissions.Count == 0 ? QueueSnapshot.Empty : SlurmQueue.Read(submissions);
            var states = SweepStatus.Of(sweep, plan, queue);
            var table = new Table().AddColumns("#", "run", "state", "step", "detail");
            foreach (var s in states)
                table.AddRow(s.Run.Index.ToString(), Markup.Escape(s.Run.Name), $"[{Colour(s.State)}]{s.State}[/]", s.Step?.ToString() ?? "", Markup.Escape(s.Detail));
            AnsiConsole.Write(table);
            var counts = string.Join(", ", states.GroupBy(s => s.State).Select(g => $"{g.Count()} {g.Key}"));
            var where = submissions.Count > 0 ? $"Slurm jobs {string.Join(", ", submissions.Select(s => s.JobId))}" : "local";
            AnsiConsole.MarkupLineInterpolated($"{plan.Name}: {counts} ({where}).");
            if (queue.Note is not null) AnsiConsole.MarkupLineInterpolated($"[grey]{queue.Note}.[/]");
            return 0;
        }));
        return command;
    }

    static Command Report()
    {
        var directory = new Argument<string>("dir") { Description = "The sweep directory." };
        var output = new Option<string?>("--out") { Description = "HTML file to write (default DIR/report.html; results.csv goes beside it)." };
        var command = new Command("report", "Write one offline page comparing the runs (sortable tables, mean ± sd over seeds, loss curves, the best run's samples) and a CSV.")
        {
            directory, output,
        };
        command.SetAction(parse => Guard(() =>
        {
            var (page, csv) = SweepReport.Write(new SweepDirectory(parse.GetValue(directory)!), parse.GetValue(output));
            AnsiConsole.MarkupLineInterpolated($"wrote [green]{page}[/] and [green]{csv}[/]");
            return 0;
        }));
        return command;
    }

    static Command Task()
    {
        var directory = new Argument<string>("dir") { Description = "The sweep directory." };
        var index = new Option<int>("--index") { Description = "The run's index in sweep.json (Slurm: $SLURM_ARRAY_TASK_ID).", Required = true };
        var command = new Command("task", "Run one run of a sweep directory: what the local and Slurm executors start for each run.") { directory, index };
        command.SetAction(parse => Guard(() => new SweepTask(new SweepDirectory(parse.GetValue(directory)!), VideolabCommandLine(), Console.Out).Run(parse.GetValue(index))));
        return command;
    }

    static SweepPlan Expand(string path, bool quick) => SweepPlanner.Expand(SweepFile.Load(path), quick, new SweepTrainArguments());

    static string DefaultDirectory(SweepPlan plan) => Path.Combine("runs", "sweeps", plan.Name);

    /// <summary>
    /// How this very <c>videolab</c> is started, for the tasks and the batch script: <c>dotnet VideoLab.Cli.dll</c> when
    /// run through the dotnet host (dotnet run, tests), else the executable itself (the apphost, an installed tool).
    /// </summary>
    public static IReadOnlyList<string> VideolabCommandLine()
    {
        var dll = typeof(SweepCommand).Assembly.Location;
        var host = Environment.ProcessPath;
        if (host is null || Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return [host ?? "dotnet", dll];
        return [host];
    }

    static string Colour(string state) => state switch
    {
        SweepStatus.Done => "green",
        SweepStatus.Failed => "red",
        SweepStatus.Running => "blue",
        SweepStatus.Stopped => "yellow",
        _ => "grey",
    };

    static bool IsOn(string? value) => value?.Trim().ToLowerInvariant() is "1" or "true" or "yes";

    /// <summary>Sweep mistakes are bad input (exit code 2) with their message, like train's.</summary>
    static int Guard(Func<int> verb) => CliErrors.Guard(() =>
    {
        try { return verb(); }
        catch (SweepException e) { throw new CliException(e.Message); }
    });
}
