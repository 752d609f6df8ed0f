namespace VideoLab.Bench;

/// <summary>
/// Analytic FLOPs of one forward pass over one clip, counted the way OpenSTL's tables count them (fvcore:
/// one multiply–add of a convolution or linear layer = 1 FLOP; element-wise gates are not counted). The
/// recurrent models run ContextFrames + Horizon − 1 cell steps (the last context frame predicts the first
/// future frame). The PyTorch peer counts the same quantity with forward hooks on the mirrored layers
/// (bench/peers/models.py, <c>count_flops</c>), so the two numbers check each other.
/// </summary>
public static class Flops
{
    /// <summary>Multiply–adds of a k×k convolution producing a h×w map.</summary>
    static double Conv(long cin, long cout, long k, long h, long w) => (double)cin * cout * k * k * h * w;

    public static double Count(Options o)
    {
        string name = o.Required("model").ToLowerInvariant();
        int c = o.Int("channels", 1), height = o.Int("height", 64), width = o.Int("width", 64);
        int steps = o.Int("context", 10) + o.Int("horizon", 10) - 1;
        int layers = o.Int("layers", 4), n = o.Int("hidden", 128), k = o.Int("kernel", 5), p = o.Int("patch", 4);
        long cp = (long)c * p * p, gh = height / p, gw = width / p;
        double perStep = name switch
        {
            // per layer: x → 4n gates, h → 4n gates
            "convlstm" => Enumerable.Range(0, layers).Sum(i => Conv(i == 0 ? cp : n, 4L * n, k, gh, gw) + Conv(n, 4L * n, k, gh, gw)),
            // per layer: x → 3n, h → 2n, r⊙h → n
            "convgru" => Enumerable.Range(0, layers).Sum(i => Conv(i == 0 ? cp : n, 3L * n, k, gh, gw) + Conv(n, 2L * n, k, gh, gw) + Conv(n, n, k, gh, gw)),
            // per layer: x → 7n, h → 4n, m → 3n, [c, m] → o (k×k), [c, m] → n (1×1)
            "predrnn" => Enumerable.Range(0, layers).Sum(i => Conv(i == 0 ? cp : n, 7L * n, k, gh, gw) + Conv(n, 4L * n, k, gh, gw)
                                                             + Conv(n, 3L * n, k, gh, gw) + Conv(2L * n, n, k, gh, gw) + Conv(2L * n, n, 1, gh, gw)),
            _ => throw new ArgumentException($"bench: no FLOP formula for model '{name}'."),
        };
        double readout = Conv(n, cp, 1, gh, gw);  // top h → one patched frame
        return steps * (perStep + readout);
    }
}
