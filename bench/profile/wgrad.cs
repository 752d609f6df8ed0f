#:project ../../src/VideoLab/VideoLab.csproj
#:property PublishAot=false
// Could a recurrent model's weight gradients be cheaper computed for all time steps at once (as cuDNN's RNNs do)? A
// ConvLSTM gate convolution (Cin → 128, 5×5, NHWC, batch 16, 16×16) for 18 steps: forward + weight gradient as 18
// calls at batch 16 against one call at batch 288, and the forward alone both ways; the difference is the weight
// gradient's time. Medians of 10 rounds after 2, the variants alternated.
//   export OMP_NUM_THREADS=2; dotnet run bench/profile/wgrad.cs 2 64      (threads, Cin)
using System.Diagnostics;
using TorchSharp;
using VideoLab.Modules;
using VideoLab.Runtime;
using static TorchSharp.torch;

TorchNativeFix.EnsureApplied();
torch.set_num_threads(int.Parse(args.Length > 0 ? args[0] : "2"));
int T = 18, B = 16, Cin = int.Parse(args.Length > 1 ? args[1] : "64"), Cout = 128, K = 5, HW = 16;
var w = randn(Cout, Cin, K, K).requires_grad_(true);
var xs = Enumerable.Range(0, T).Select(_ => MemoryFormat.ChannelsLastOnCpu(randn(B, Cin, HW, HW))).ToArray();
var gs = Enumerable.Range(0, T).Select(_ => MemoryFormat.ChannelsLastOnCpu(randn(B, Cout, HW, HW))).ToArray();
var xBig = MemoryFormat.ChannelsLastOnCpu(cat(xs, 0));
var gBig = MemoryFormat.ChannelsLastOnCpu(cat(gs, 0));
double PerStep() { var sw = Stopwatch.StartNew(); for (int t = 0; t < T; t++) { using var y = nn.functional.conv2d(xs[t], w, padding: [K/2, K/2]); y.backward([gs[t]]); } return sw.Elapsed.TotalMilliseconds; }
double Batched() { var sw = Stopwatch.StartNew(); using var y = nn.functional.conv2d(xBig, w, padding: [K/2, K/2]); y.backward([gBig]); return sw.Elapsed.TotalMilliseconds; }
double FwdPerStep() { using var _ = no_grad(); var sw = Stopwatch.StartNew(); for (int t = 0; t < T; t++) { using var y = nn.functional.conv2d(xs[t], w, padding: [K/2, K/2]); } return sw.Elapsed.TotalMilliseconds; }
double FwdBatched() { using var _ = no_grad(); var sw = Stopwatch.StartNew(); using var y = nn.functional.conv2d(xBig, w, padding: [K/2, K/2]); return sw.Elapsed.TotalMilliseconds; }
var r = new Dictionary<string, List<double>>();
var fs = new (string, Func<double>)[] { ("per-step fwd+wgrad", PerStep), ("batched fwd+wgrad", Batched), ("per-step fwd", FwdPerStep), ("batched fwd", FwdBatched) };
for (int round = 0; round < 12; round++)
    foreach (var (n, f) in (round % 2 == 0 ? fs : fs.Reverse()))
    { var ms = f(); w.grad?.zero_(); if (round >= 2) (r.TryGetValue(n, out var l) ? l : r[n] = new()).Add(ms); }
foreach (var (n, l) in r) { l.Sort(); Console.WriteLine($"{n,-22} median {l[l.Count/2]:F1} ms  [{l[0]:F1}-{l[^1]:F1}]"); }
