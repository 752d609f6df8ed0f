#:project ../../src/VideoLab/VideoLab.csproj
#:property PublishAot=false
// Single ATen operations at the shapes of SimVP's throughput row (forward + backward, or one optimiser step) and the
// activations of a ConvLSTM 4 × 32 gate map (forward only, 20 calls), to set beside bench/profile/ops.py, the same
// operations in the PyTorch peer. Medians of 10 rounds after 2 unrecorded ones.
//   export OMP_NUM_THREADS=2; dotnet run bench/profile/ops.cs 2
//   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/profile/ops.py 2
using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Modules;
using VideoLab.Runtime;
using static TorchSharp.torch;

TorchNativeFix.EnsureApplied();
torch.set_num_threads(int.Parse(args[0]));
manual_seed(0);
Tensor CL(Tensor t) => MemoryFormat.ChannelsLastOnCpu(t);
var gn = Norms.GroupNorm(2, 32); var silu = nn.SiLU();
var bn = nn.BatchNorm2d(256); var gelu = nn.GELU();
var big = CL(randn(160, 32, 64, 64)).requires_grad_(true);
var bigN = randn(160, 32, 64, 64).requires_grad_(true);
var mid = CL(randn(160, 32, 32, 32)).requires_grad_(true);
var shuf = CL(randn(160, 128, 32, 32)).requires_grad_(true);
var t256 = randn(16, 256, 16, 16).requires_grad_(true);
var t512 = randn(16, 512, 16, 16).requires_grad_(true);
var t2048 = CL(randn(16, 2048, 16, 16)).requires_grad_(true);
var scale = full(256, 0.01f).requires_grad_(true);
var ps = Enumerable.Range(0, 40).Select(_ => nn.Parameter(randn(288000))).ToList();
foreach (var p in ps) p.grad = randn(288000);
var adam = optim.Adam(ps, 1e-3);
// A ConvLSTM 4 × 32 cell's gate map (B, 4·hidden, H, W), channels-last as the cells run it; its g quarter is a channel slice.
var gates = CL(randn(16, 128, 16, 16));
var cell = CL(randn(16, 32, 16, 16));
void Bwd(Tensor y) { y.backward([ones_like(y)]); }
void Twenty(Func<Tensor> f) { using var _ = no_grad(); for (int i = 0; i < 20; i++) f(); }
var ops = new (string, Action)[] {
  ("groupnorm+silu 160x32x64x64 NHWC", () => Bwd(silu.call(gn.call(big)))),
  ("groupnorm+silu 160x32x64x64 NCHW", () => Bwd(silu.call(gn.call(bigN)))),
  ("groupnorm 160x32x64x64 NHWC", () => Bwd(gn.call(big))),
  ("silu 160x32x64x64 NHWC", () => Bwd(silu.call(big))),
  ("groupnorm+silu 160x32x32x32 NHWC", () => Bwd(silu.call(gn.call(mid)))),
  ("pixel_shuffle 160x128x32x32 NHWC", () => Bwd(nn.functional.pixel_shuffle(shuf, 2))),
  ("batchnorm 16x256x16x16", () => Bwd(bn.call(t256))),
  ("gelu 16x2048x16x16 NHWC", () => Bwd(gelu.call(t2048))),
  ("gelu 16x256x16x16", () => Bwd(gelu.call(t256))),
  ("gate sigmoid*mul 16x512", () => { var c = t512.chunk(2, 1); Bwd(c[1].sigmoid() * c[0]); }),
  ("residual x+s*y 16x256", () => Bwd(t256 + scale.reshape(1, -1, 1, 1) * t256)),
  ("to NCHW 16x256 from CL", () => Bwd(CL(t256).contiguous())),
  ("adam step 11.5M", () => adam.step()),
  ("20x tanh 16x32x16x16 gate slice", () => Twenty(() => gates.chunk(4, 1)[2].tanh())),
  ("20x tanh 16x32x16x16 NHWC", () => Twenty(() => cell.tanh())),
  ("20x sigmoid 16x32x16x16 gate slice", () => Twenty(() => gates.chunk(4, 1)[2].sigmoid())),
  ("20x 2sigmoid(2x)-1 gate slice", () => Twenty(() => gates.chunk(4, 1)[2].mul(2).sigmoid_().mul_(2).sub_(1))),
};
var r = ops.ToDictionary(o => o.Item1, _ => new List<double>());
for (int round = 0; round < 12; round++)
    foreach (var (n, f) in ops)
    {
        using var scope = NewDisposeScope();
        var sw = Stopwatch.StartNew(); f(); var ms = sw.Elapsed.TotalMilliseconds;
        foreach (var t in new[] { big, bigN, mid, shuf, t256, t512, t2048, scale }) t.grad?.zero_();
        if (round >= 2) r[n].Add(ms);
    }
foreach (var (n, l) in r) { l.Sort(); Console.WriteLine($"{n,-36} {l[l.Count/2],8:F1} ms  [{l[0]:F1}-{l[^1]:F1}]"); }
