#:project ../../src/VideoLab/VideoLab.csproj
#:property PublishAot=false
// Memory layouts for SimVP's translator blocks, and one way of using the two threads, measured on the layers alone
// (bench/README.md, "What was tried": "channels-last MLP in SimVP's translator", "the batch split over the two threads").
//
//   export OMP_NUM_THREADS=2; dotnet run bench/layout/micro.cs [mlp] [attention] [threads]
//
// mlp:       a gSTA block's MLP (1×1 256 → 2048, 3×3 depth-wise, GELU, 1×1 2048 → 256) on (16, 256, 16, 16), NCHW
//            against channels-last input (output made NCHW again, or left channels-last);
// attention: the block's attention branch (1×1, GELU, 5×5 and dilated 7×7 depth-wise, gated 1×1, 1×1), NCHW against
//            channels-last throughout, channels-last except the dilated 7×7, and channels-last for the 5×5 only;
// threads:   a ConvLSTM gate convolution (48 → 128, 5×5, NHWC, batch 16, 16×16) as one 2-thread call against two
//            concurrent 1-thread calls on half the batch each.
// Variants are timed in turn, the order reversed every round, so that other work on the machine falls on all alike.
using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using VideoLab.Modules;
using VideoLab.Runtime;
using static TorchSharp.torch;

TorchNativeFix.EnsureApplied();
torch.set_num_threads(2);
var sections = args.Length > 0 ? args : ["mlp", "attention", "threads"];
Console.WriteLine($"torch threads {torch.get_num_threads()}; medians over 10 rounds after 2 unrecorded ones");
if (sections.Contains("mlp")) Mlp();
if (sections.Contains("attention")) Attention();
if (sections.Contains("threads")) Threads();
return;

void Mlp()
{
    const int C = 256, Hidden = 2048;
    var expand = nn.Conv2d(C, Hidden, 1);
    var depthwise = nn.Conv2d(Hidden, Hidden, 3, padding: 1, groups: Hidden);
    var act = nn.GELU();
    var shrink = nn.Conv2d(Hidden, C, 1);
    Tensor Run(Tensor x) => shrink.call(act.call(depthwise.call(expand.call(x))));
    // The 1×1 convolutions as matrix products over the pixels of an NHWC tensor (the same weights, viewed (Cout, Cin)).
    Tensor Linear(Tensor nhwc, Conv2d conv) => nn.functional.linear(nhwc, conv.weight!.flatten(1), conv.bias);
    Tensor RunProducts(Tensor x)
    {
        var hidden = Linear(x.permute(0, 2, 3, 1), expand).permute(0, 3, 1, 2);               // (B, 2048, H, W), NHWC in memory
        return Linear(act.call(depthwise.call(hidden)).permute(0, 2, 3, 1), shrink).permute(0, 3, 1, 2);
    }
    Compare("MLP 256 -> 2048 -> 256", randn(16, C, 16, 16),
    [
        ("NCHW", Run),
        ("channels-last, NCHW out", x => Run(MemoryFormat.ChannelsLastOnCpu(x)).contiguous()),
        ("channels-last throughout", x => Run(MemoryFormat.ChannelsLastOnCpu(x))),
        ("channels-last, 1x1 as matrix products, NCHW out", x => RunProducts(MemoryFormat.ChannelsLastOnCpu(x)).contiguous()),
    ]);
}

void Attention()
{
    const int C = 256;
    var project1 = nn.Conv2d(C, C, 1);
    var act = nn.GELU();
    var local = nn.Conv2d(C, C, 5, padding: 2, groups: C);
    var dilated = nn.Conv2d(C, C, 7, padding: 9, dilation: 3, groups: C);
    var mix = nn.Conv2d(C, 2 * C, 1);
    var project2 = nn.Conv2d(C, C, 1);
    Tensor Gate(Tensor a) { var fg = a.chunk(2, dim: 1); return fg[1].sigmoid() * fg[0]; }
    Tensor Cl(Tensor x) => MemoryFormat.ChannelsLastOnCpu(x);
    // A 1×1 convolution of an NCHW tensor as a matrix product: (Cout, Cin) · (B, Cin, H·W) → (B, Cout, H·W), NCHW.
    Tensor Product(Tensor x, Conv2d conv) =>
        (conv.weight!.flatten(1).matmul(x.flatten(2)) + conv.bias!.unsqueeze(-1)).view(x.shape[0], -1, x.shape[2], x.shape[3]);
    // The branch in three stages, so that each variant says where its layout changes.
    Tensor Front(Tensor x, Func<Tensor, Tensor> conv1x1) => act.call(conv1x1(x));                  // 1×1, GELU
    Tensor Back(Tensor x, Func<Tensor, Tensor> mix1x1, Func<Tensor, Tensor> out1x1) => out1x1(Gate(mix1x1(x)));
    Compare("attention branch, 256 channels", randn(16, C, 16, 16),
    [
        ("NCHW", x => Back(dilated.call(local.call(Front(x, project1.call))), mix.call, project2.call)),
        ("channels-last", x => Back(dilated.call(local.call(Front(Cl(x), project1.call))), mix.call, project2.call).contiguous()),
        ("channels-last but the dilated 7x7", x =>
            Back(Cl(dilated.call(local.call(Front(Cl(x), project1.call)).contiguous())), mix.call, project2.call).contiguous()),
        ("channels-last 5x5 only", x => Back(dilated.call(local.call(Cl(Front(x, project1.call))).contiguous()), mix.call, project2.call)),
        ("NCHW, 1x1 as matrix products", x =>
            Back(dilated.call(local.call(Front(x, y => Product(y, project1)))), y => Product(y, mix), y => Product(y, project2))),
    ]);
}

// Each variant is called on a fresh copy of x, forward under no_grad, then forward + backward of the sum.
void Compare(string title, Tensor x0, (string Name, Func<Tensor, Tensor> Run)[] variants)
{
    using (no_grad())
    {
        var reference = variants[0].Run(x0);
        foreach (var (name, run) in variants.Skip(1))
            Console.WriteLine($"{title}: {name} differs from {variants[0].Name} by at most {(run(x0) - reference).abs().max().item<float>():E1}");
    }
    foreach (bool train in new[] { false, true })
    {
        var times = variants.ToDictionary(v => v.Name, _ => new List<double>());
        for (int round = 0; round < 12; round++)
            foreach (var (name, run) in round % 2 == 0 ? variants : variants.Reverse())
            {
                using var scope = NewDisposeScope();
                var x = x0.clone();
                if (train) x.requires_grad_(true);
                var clock = Stopwatch.StartNew();
                if (train) run(x).sum().backward();
                else using (no_grad()) run(x);
                if (round >= 2) times[name].Add(clock.Elapsed.TotalMilliseconds);
            }
        foreach (var (name, list) in times)
            Console.WriteLine($"{title}, {(train ? "forward + backward" : "forward")}, {name}: median {Median(list):F1} ms [{list.Min():F1}-{list.Max():F1}]");
    }
}

void Threads()
{
    var weight = randn(128, 48, 5, 5) / 35;
    var x = MemoryFormat.ChannelsLastOnCpu(randn(16, 48, 16, 16));
    Tensor[] halves = [MemoryFormat.ChannelsLastOnCpu(x[..8].clone()), MemoryFormat.ChannelsLastOnCpu(x[8..].clone())];
    Tensor Conv(Tensor input) => nn.functional.conv2d(input, weight, padding: [2, 2]);
    // Two workers, one LibTorch thread each, each convolving its half of the batch; the barrier starts and ends a round.
    var barrier = new Barrier(3);
    int calls = 0;
    bool stop = false;
    foreach (var half in halves)
        new Thread(() =>
        {
            torch.set_num_threads(1);
            using var _ = no_grad();
            while (true)
            {
                barrier.SignalAndWait();
                if (stop) return;
                for (int k = 0; k < calls; k++) Conv(half).Dispose();
                barrier.SignalAndWait();
            }
        }) { IsBackground = true }.Start();
    double Split(int n) { calls = n; var clock = Stopwatch.StartNew(); barrier.SignalAndWait(); barrier.SignalAndWait(); return clock.Elapsed.TotalMilliseconds / n; }
    double Whole(int n) { Conv(x).Dispose(); var clock = Stopwatch.StartNew(); for (int k = 0; k < n; k++) Conv(x).Dispose(); return clock.Elapsed.TotalMilliseconds / n; }
    var whole = new List<double>();
    var split = new List<double>();
    using (no_grad())
    {
        Split(2);
        for (int round = 0; round < 6; round++)
        {
            whole.Add(Whole(40));
            split.Add(Split(40));
        }
    }
    stop = true;
    barrier.SignalAndWait();
    Console.WriteLine($"gate convolution 48 -> 128 5x5, batch 16: one 2-thread call {Median(whole):F2} ms [{whole.Min():F2}-{whole.Max():F2}], " +
                      $"two concurrent 1-thread calls on batch 8 {Median(split):F2} ms [{split.Min():F2}-{split.Max():F2}] (6 rounds of 40 calls)");
}

static double Median(List<double> values) { var sorted = values.Order().ToList(); return sorted[sorted.Count / 2]; }
