#:project ../../src/VideoLab/VideoLab.csproj
#:property PublishAot=false
// Winograd F(2×2, 5×5) (src/VideoLab/Modules/WinogradConv5x5.cs) against LibTorch's conv2d (oneDNN) on the recurrent
// cells' gate-convolution shapes, forward and forward + backward, 2 threads. A and B are timed alternately in one
// process (ABBA pairs) so that contention from other work on the machine falls on both alike.
//
//   export OMP_NUM_THREADS=2; dotnet run bench/winograd/micro.cs [--pairs 9] [--ms 150] [--threads 2] [--only NAME]
//
// Shapes: batch 16, 16×16 cells (64×64 frames, patch 4, 1 channel → 16 frame channels), gate conv cat(x, h) → 4·hidden.
using System.Diagnostics;
using TorchSharp;
using VideoLab.Modules;
using VideoLab.Runtime;
using static TorchSharp.torch;

TorchNativeFix.EnsureApplied();
torch.set_num_threads(Opt("--threads", 2));
int pairs = Opt("--pairs", 9), targetMs = Opt("--ms", 150);
string? only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();

// (name, Cin, Cout): ConvLstmCell's steady-state gate conv is conv(cat(x, h), cat(Wx, Wh)), Cin = in + hidden, Cout = 4·hidden.
(string Name, int Cin, int Cout)[] shapes =
[
    ("2x8 layer0 (16+8 -> 32)", 24, 32),
    ("2x8 layer1 (8+8 -> 32)", 16, 32),
    ("4x32 layer0 (16+32 -> 128)", 48, 128),
    ("4x32 layers1-3 (32+32 -> 128)", 64, 128),
    ("4x64 layer0 (16+64 -> 256)", 80, 256),
    ("4x64 layers1-3 (64+64 -> 256)", 128, 256),
];
const int Batch = 16, Size = 16;
Console.WriteLine($"torch threads {torch.get_num_threads()}, batch {Batch}, {Size}x{Size}, channels-last input, {pairs} ABBA pairs, ~{targetMs} ms per timing");
Console.WriteLine("| shape | mode | conv2d ms (median) | winograd ms (median) | ratio W/C median | ratio min–max |");
Console.WriteLine("|---|---|---|---|---|---|");
foreach (var (name, cin, cout) in shapes)
{
    if (only is not null && !name.Contains(only)) continue;
    using var outer = NewDisposeScope();
    var x = MemoryFormat.ChannelsLastOnCpu(randn(Batch, cin, Size, Size));
    var w = randn(cout, cin, 5, 5) / Math.Sqrt(25 * cin);
    var b = randn(cout);
    var gy = MemoryFormat.ChannelsLastOnCpu(randn(Batch, cout, Size, Size));
    foreach (bool backward in new[] { false, true })
    {
        Action conv = () => Step(x, w, b, gy, backward, (xi, wi, bi) => nn.functional.conv2d(xi, wi, bi, padding: [2, 2]));
        Action wino = () => Step(x, w, b, gy, backward, WinogradConv5x5.Conv);
        for (int i = 0; i < 3; i++) { conv(); wino(); }
        int reps = Math.Max(1, (int)(targetMs / Math.Max(0.01, TimeOnce(conv, 3) * 1e3)));
        var c = new List<double>(); var wg = new List<double>(); var ratio = new List<double>();
        for (int p = 0; p < pairs; p++)
        {
            double tc, tw;
            if (p % 2 == 0) { tc = TimeOnce(conv, reps); tw = TimeOnce(wino, reps); }
            else { tw = TimeOnce(wino, reps); tc = TimeOnce(conv, reps); }
            c.Add(tc * 1e3); wg.Add(tw * 1e3); ratio.Add(tw / tc);
        }
        Console.WriteLine($"| {name} | {(backward ? "fwd+bwd" : "fwd")} | {Median(c):F2} | {Median(wg):F2} | {Median(ratio):F2} | {ratio.Min():F2}–{ratio.Max():F2} |");
    }
}

static void Step(Tensor x, Tensor w, Tensor b, Tensor gy, bool backward, Func<Tensor, Tensor, Tensor?, Tensor> f)
{
    using var scope = NewDisposeScope();
    if (!backward) { using var _ = no_grad(); f(x, w, b); return; }
    var xi = x.detach().requires_grad_(true);   // fresh leaves: gradients are allocated, not accumulated, as in a training step
    var wi = w.detach().requires_grad_(true);
    var bi = b.detach().requires_grad_(true);
    f(xi, wi, bi).backward([gy]);
}

static double TimeOnce(Action a, int reps)   // seconds per call
{
    var sw = Stopwatch.StartNew();
    for (int i = 0; i < reps; i++) a();
    return sw.Elapsed.TotalSeconds / reps;
}

static double Median(List<double> v) { var s = v.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }

int Opt(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } v ? int.Parse(v) : fallback;
