using System.Diagnostics;
using System.Globalization;
using VideoLab.Notebooks.Display;
using VideoLab.Notebooks.Engine;
using VideoLab.Runtime;

// Notebook engine latencies, on the engine the kernel runs (in process, without the ZeroMQ hop, which adds about a millisecond):
//   completions and inspection at typical cursors of a tutorial-like notebook (target: median ≤ 50 ms after warm-up),
//   the cost of interrupt points in a tight loop (rewritten cell vs the same cell unrewritten, interleaved),
//   and how long an interrupted tight loop takes to stop.
// Usage: dotnet run -c Release --project bench/notebook [-- --rounds 5 --requests 200]
int rounds = Option("--rounds", 5), requests = Option("--requests", 200);
TorchNativeFix.EnsureApplied();
var cache = Path.Combine(Path.GetTempPath(), "videolab-bench-notebook-" + Environment.ProcessId);

var engine = await Engine(interruptPoints: true);
var setup = new[]
{
    $"#r \"{typeof(Lab).Assembly.Location}\"\nusing TorchSharp;\nusing VideoLab.Plots;\nusing VideoLab.Data;\nusing static TorchSharp.torch;",
    "var data = new BouncingShapes(new(Frames: 8, Size: 32, Count: 4));\nvar clip = data.GetClip(0);\nvar losses = new List<double> { 1.0, 0.5 };",
    "double Smooth(IReadOnlyList<double> values, double alpha) { var s = values[0]; foreach (var v in values) s = alpha * s + (1 - alpha) * v; return s; }",
};
foreach (var cell in setup)
{
    var result = await engine.ExecuteAsync(cell, new Discard());
    if (!result.Succeeded) throw new InvalidOperationException($"setup cell failed: {result.Error}");
}

(string Code, int Cursor)[] completions =
[
    ("Console.WriteL", 14), ("clip.sha", 8), ("torch.zer", 9), ("losses.", 7), ("Smoo", 4), ("var grid = FrameGrid.Cr", 23),
    ("data.GetCl", 10), ("Lab.", 4), ("var t = zeros(2, 3);\nt.", 23), ("Math.Sq", 7),
];
(string Code, int Cursor)[] inspections = [("Console.WriteLine", 12), ("clip.shape", 7), ("Math.Max(1.0, ", 9), ("LossCurves.Create", 14), ("Smooth", 3)];

for (int i = 0; i < 20; i++)  // warm-up: Roslyn's first compilations against these references take seconds
{
    var (code, cursor) = completions[i % completions.Length];
    engine.Complete(code, cursor);
    engine.Inspect(inspections[i % inspections.Length].Code, inspections[i % inspections.Length].Cursor);
}
var completeMs = Time(requests, i => engine.Complete(completions[i % completions.Length].Code, completions[i % completions.Length].Cursor));
var inspectMs = Time(requests, i => engine.Inspect(inspections[i % inspections.Length].Code, inspections[i % inspections.Length].Cursor));

// Interrupt points: the same loop with and without, interleaved; nanoseconds per iteration.
const long Iterations = 200_000_000;
var loop = $"long sum = 0;\nfor (long i = 0; i < {Iterations}; i++) sum += i ^ (i >> 3);\nsum";
var plain = await Engine(interruptPoints: false);
var withPoints = new List<double>();
var without = new List<double>();
for (int r = 0; r < rounds; r++)
{
    withPoints.Add(await NanosecondsPerIteration(engine, loop));
    without.Add(await NanosecondsPerIteration(plain, loop));
}

// Interrupt latency: a tight loop without any token, interrupted 200 ms after it started.
var stops = new List<double>();
for (int r = 0; r < rounds; r++)
{
    var running = engine.ExecuteAsync("long spins = 0;\nwhile (true) spins++;", new Discard());
    await Task.Delay(200);
    var clock = Stopwatch.StartNew();
    engine.Interrupt();
    var result = await running;
    stops.Add(clock.Elapsed.TotalMilliseconds);
    if (result.Error?.Name != CellError.Interrupted) throw new InvalidOperationException($"the loop did not stop as interrupted: {result.Error}");
}

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
Console.WriteLine();
Console.WriteLine("| measure | median | p90 | target |");
Console.WriteLine("| --- | --- | --- | --- |");
Console.WriteLine($"| completion (ms, {requests} requests after warm-up) | {Median(completeMs):F1} | {Percentile(completeMs, 0.9):F1} | ≤ 50 ms median: {(Median(completeMs) <= 50 ? "met" : "NOT met")} |");
Console.WriteLine($"| inspection (ms, {requests} requests) | {Median(inspectMs):F1} | {Percentile(inspectMs, 0.9):F1} | |");
Console.WriteLine($"| tight loop with interrupt points (ns/iteration, {rounds} rounds) | {Median(withPoints):F2} | {Percentile(withPoints, 0.9):F2} | |");
Console.WriteLine($"| same loop without (ns/iteration) | {Median(without):F2} | {Percentile(without, 0.9):F2} | |");
Console.WriteLine($"| interrupt to cell end, tight loop (ms, {rounds} rounds) | {Median(stops):F1} | {Percentile(stops, 0.9):F1} | |");
try { Directory.Delete(cache, recursive: true); } catch (IOException) { }
return Median(completeMs) <= 50 ? 0 : 1;

async Task<NotebookEngine> Engine(bool interruptPoints)
{
    var created = new NotebookEngine(new EngineOptions { CacheDirectory = cache, InsertInterruptPoints = interruptPoints });
    await created.ExecuteAsync("1 + 1", new Discard());
    return created;
}

static List<double> Time(int count, Action<int> action)
{
    var times = new List<double>(count);
    for (int i = 0; i < count; i++)
    {
        var clock = Stopwatch.StartNew();
        action(i);
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    return times;
}

static async Task<double> NanosecondsPerIteration(NotebookEngine engine, string code)
{
    var clock = Stopwatch.StartNew();
    var result = await engine.ExecuteAsync(code, new Discard());
    if (!result.Succeeded) throw new InvalidOperationException(result.Error!.ToString());
    return clock.Elapsed.TotalMilliseconds * 1e6 / Iterations;
}

static double Median(List<double> values) => Percentile(values, 0.5);

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
}

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

sealed class Discard : ICellOutput
{
    public void Stream(string name, string text) { }
    public void Display(MimeBundle bundle, string displayId) { }
    public void UpdateDisplay(MimeBundle bundle, string displayId) { }
}
