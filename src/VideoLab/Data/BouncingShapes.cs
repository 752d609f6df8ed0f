using static TorchSharp.torch;

namespace VideoLab.Data;

/// <summary>Settings of <see cref="BouncingShapes"/>; the defaults are the README's built-in dataset.</summary>
/// <param name="Frames">Frames per clip (10 context + 10 future by default).</param>
/// <param name="Size">Canvas height and width in pixels.</param>
/// <param name="Shapes">Shapes per clip; later shapes are drawn over earlier ones (occlusion).</param>
/// <param name="Count">Clips per epoch.</param>
/// <param name="Seed">Clip i is a pure function of (Seed, i).</param>
/// <param name="MinRadius">Smallest shape half-size, as a fraction of the canvas.</param>
/// <param name="MaxRadius">Largest shape half-size, as a fraction of the canvas.</param>
/// <param name="Speed">Pixels per frame, as a fraction of the canvas.</param>
public sealed record BouncingShapesConfig(
    int Frames = 20, int Size = 64, int Shapes = 3, long Count = 10_000, long Seed = 0,
    double MinRadius = 0.08, double MaxRadius = 0.16, double Speed = 0.05);

/// <summary>
/// The built-in dataset that needs no download: coloured squares, discs and triangles on black,
/// moving in straight lines and bouncing off the walls, drawn in a fixed order so that they occlude
/// each other. Three channels, values in [0, 1]. Clip i is a pure function of (seed, i) through
/// <see cref="ClipRandom"/>, independent of its neighbours, for any i ≥ 0 (training draws new clips every epoch).
/// </summary>
public sealed class BouncingShapes(BouncingShapesConfig config) : IClipGenerator
{
    public BouncingShapesConfig Config { get; } = config;
    public long Count => Config.Count;
    public ClipShape Shape => new(Config.Frames, 3, Config.Size, Config.Size);

    public Tensor GetClip(long index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), $"Clip {index} of {Count}.");
        return Clip(index);
    }

    /// <summary>Clip <paramref name="index"/> for any index ≥ 0, <c>(T, 3, H, W)</c>.</summary>
    public Tensor Clip(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        int t = Config.Frames, n = Config.Size;
        var rng = ClipRandom.For(Config.Seed, index);
        var pixels = new float[t * 3 * n * n];
        var shapes = Enumerable.Range(0, Config.Shapes).Select(_ => Shape2D.Random(rng, Config)).ToArray();
        for (int f = 0; f < t; f++)
        {
            foreach (var s in shapes) s.Draw(pixels.AsSpan(f * 3 * n * n, 3 * n * n), n);
            foreach (var s in shapes) s.Move(n);
        }
        return tensor(pixels, [t, 3, n, n]);  // (T, C, H, W)
    }

    sealed class Shape2D
    {
        enum Kind { Square, Disc, Triangle }
        Kind _kind;
        double _x, _y, _vx, _vy, _r;
        float[] _rgb = [];

        public static Shape2D Random(ClipRandom rng, BouncingShapesConfig c)
        {
            double r = c.Size * (c.MinRadius + rng.NextDouble() * (c.MaxRadius - c.MinRadius));
            double angle = rng.NextDouble() * 2 * Math.PI, speed = c.Size * c.Speed;
            // Saturated colours: one channel high, the others random, so shapes differ from each other and from black.
            var rgb = new float[3];
            for (int i = 0; i < 3; i++) rgb[i] = (float)(0.2 + 0.5 * rng.NextDouble());
            rgb[rng.Next(3)] = 1f;
            return new Shape2D
            {
                _kind = (Kind)rng.Next(3), _r = r, _rgb = rgb,
                _x = r + rng.NextDouble() * (c.Size - 2 * r), _y = r + rng.NextDouble() * (c.Size - 2 * r),
                _vx = speed * Math.Cos(angle), _vy = speed * Math.Sin(angle),
            };
        }

        public void Move(int n)
        {
            _x += _vx; _y += _vy;
            if (_x < _r) { _x = 2 * _r - _x; _vx = -_vx; }
            if (_x > n - _r) { _x = 2 * (n - _r) - _x; _vx = -_vx; }
            if (_y < _r) { _y = 2 * _r - _y; _vy = -_vy; }
            if (_y > n - _r) { _y = 2 * (n - _r) - _y; _vy = -_vy; }
        }

        public void Draw(Span<float> frame, int n)  // frame: (3, n, n)
        {
            int x0 = Math.Max(0, (int)(_x - _r)), x1 = Math.Min(n - 1, (int)(_x + _r));
            int y0 = Math.Max(0, (int)(_y - _r)), y1 = Math.Min(n - 1, (int)(_y + _r));
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++)
                {
                    if (!Covers(x + 0.5 - _x, y + 0.5 - _y)) continue;
                    for (int c = 0; c < 3; c++) frame[(c * n + y) * n + x] = _rgb[c];
                }
        }

        bool Covers(double dx, double dy) => _kind switch
        {
            Kind.Square => Math.Abs(dx) <= _r && Math.Abs(dy) <= _r,
            Kind.Disc => dx * dx + dy * dy <= _r * _r,
            _ => dy <= _r && dy >= -_r && Math.Abs(dx) <= (dy + _r) / 2,  // apex up, base at the bottom
        };
    }
}
