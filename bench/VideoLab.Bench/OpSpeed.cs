using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Bench;

/// <summary>
/// One layer alone, timed: separates the kernels (LibTorch's against the peer's PyTorch build) from everything
/// around them (the framework's per-call overhead, memory reuse). The peer's <c>op-speed</c> verb builds the same
/// layer on the same shapes. Options: <c>--op conv2d|conv3d|convtranspose3d|linear --cin --cout --kernel --size</c> (spatial side;
/// for linear the rows are batch·size²) <c>--frames</c> (conv3d depth) <c>--groups --dilation</c> (conv2d)
/// <c>--backward 0|1 --batch --warmup --steps</c>; <c>--op matmul --size N</c> times an N×N by N×N float32 product,
/// the CPU's practical single-precision peak (2N³ FLOP per call).
/// </summary>
public static class OpSpeed
{
    public static Dictionary<string, object> Run(Options o)
    {
        string op = o.Required("op");
        if (op == "matmul") return Matmul(o);
        int batch = o.Int("batch", 16), cin = o.Int("cin", 32), cout = o.Int("cout", 128), k = o.Int("kernel", 5), size = o.Int("size", 16);
        bool backward = o.Int("backward", 1) == 1;
        nn.Module<Tensor, Tensor> layer = op switch
        {
            "conv2d" => nn.Conv2d(cin, cout, k, padding: o.Int("dilation", 1) * (k / 2), dilation: o.Int("dilation", 1), groups: o.Int("groups", 1)),
            "conv3d" => nn.Conv3d(cin, cout, k, padding: k / 2),
            "convtranspose3d" => nn.ConvTranspose3d(cin, cout, k, stride: 2, padding: 1),  // doubles T, H, W at k = 4
            "linear" => nn.Linear(cin, cout),
            _ => throw new ArgumentException($"bench op-speed: unknown --op '{op}' (conv2d, conv3d, convtranspose3d, linear)."),
        };
        var input = op switch
        {
            "conv2d" => rand([batch, cin, size, size]),                         // (B, Cin, S, S)
            "conv3d" or "convtranspose3d" => rand([batch, cin, o.Int("frames", 8), size, size]),  // (B, Cin, T, S, S)
            _ => rand((long)batch * size * size, cin),                          // (B·S², Cin): tokens
        };
        input.requires_grad = backward;
        var seconds = new List<double>();
        using (backward ? enable_grad() : no_grad())
        {
            for (int i = 0; i < o.Int("warmup", 3) + o.Int("steps", 20); i++)
            {
                using var scope = NewDisposeScope();
                var watch = Stopwatch.StartNew();
                var output = layer.call(input);
                if (backward) output.sum().backward();
                if (i >= o.Int("warmup", 3)) seconds.Add(watch.Elapsed.TotalSeconds);
            }
        }
        long parameters = layer.parameters().Sum(p => p.numel());
        return new() { ["params"] = parameters, ["batch"] = batch, ["seconds"] = seconds };
    }

    static Dictionary<string, object> Matmul(Options o)
    {
        int n = o.Int("size", 1024);
        using var a = rand(n, n);
        using var b = rand(n, n);
        var seconds = new List<double>();
        for (int i = 0; i < o.Int("warmup", 3) + o.Int("steps", 20); i++)
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            _ = a.mm(b);
            if (i >= o.Int("warmup", 3)) seconds.Add(watch.Elapsed.TotalSeconds);
        }
        return new() { ["params"] = 0L, ["batch"] = 1, ["seconds"] = seconds };
    }
}
