using System.Diagnostics;
using TorchSharp;
using VideoLab.Data;
using VideoLab.Models;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Bench;

/// <summary>
/// The memory check: resident memory (VmRSS) sampled while the library's own training method runs N steps
/// after a warm-up, each step in a dispose scope exactly as <c>Trainer</c> runs it. A tensor that escapes
/// its scope costs its bytes on every step, so the curve climbs; with every step scoped it stays flat.
/// Models are built the way the CLI builds them (<see cref="ModelSetup"/>, tiny size, fitted to the clips).
/// </summary>
public static class MemoryRun
{
    public static Dictionary<string, object> Run(Options o)
    {
        string name = o.Required("model").ToLowerInvariant();
        int batch = o.Int("batch", 4), steps = o.Int("steps", 2000), every = o.Int("every", 100), warmup = o.Int("warmup", 50);
        int frames = o.Int("frames", 20), size = o.Int("height", 32);
        var clip = new ClipShape(frames, 1, size, size);
        var (model, method) = Build(name, clip);
        var clips = rand([batch, frames, 1, size, size]);                  // (B, T, 1, H, W)
        long total = warmup + steps;

        void Step(long i)
        {
            using var scope = NewDisposeScope();
            model.train();
            method.TrainStep(clips, new StepContext(i, 0, total, null));
        }

        // Beside RSS, TorchSharp's own bookkeeping: tensors alive on this thread, and tensors created outside any
        // dispose scope (those are freed only when the GC finalises them, so they are what makes RSS climb).
        var stats = DisposeScopeManager.Statistics;
        var live = new List<long>();
        var outside = new List<long>();
        var managed = new List<long>();  // KiB the .NET GC has committed (part of RSS, not LibTorch's)
        void Sample()
        {
            live.Add(stats.ThreadTotalLiveCount);
            outside.Add(stats.CreatedOutsideScopeCount);
            managed.Add(GC.GetGCMemoryInfo().TotalCommittedBytes / 1024);
        }
        for (int i = 0; i < warmup; i++) Step(i);
        var rss = new List<long> { Rss() };
        Sample();
        var sw = Stopwatch.StartNew();
        for (int i = 1; i <= steps; i++)
        {
            Step(warmup + i);
            if (i % every == 0) { rss.Add(Rss()); Sample(); }
        }
        return new()
        {
            ["params"] = model.parameters().Sum(p => p.numel()), ["batch"] = batch, ["steps"] = steps,
            ["rss_kib"] = rss, ["seconds"] = sw.Elapsed.TotalSeconds, ["method"] = method.GetType().Name,
            ["clip"] = $"{frames}x1x{size}x{size}", ["live_tensors"] = live, ["created_outside_scope"] = outside,
            ["managed_committed_kib"] = managed,
        };
    }

    // Every model, predictor or generator, is built the way the CLI builds it (unknown names fail there, with the list).
    static (nn.Module, ITrainingMethod) Build(string name, ClipShape clip)
    {
        var (_, model) = ModelSetup.Build(name, ModelSize.Tiny, clip, clip.Frames / 2, clip.Frames - clip.Frames / 2, CPU);
        return (model, ModelSetup.Method(ModelRegistry.Get(name), model, new MethodSettings()));
    }

    static long Rss() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:"))
                       .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
