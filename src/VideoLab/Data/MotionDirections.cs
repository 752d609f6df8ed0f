using static TorchSharp.torch;

namespace VideoLab.Data;

/// <summary>Settings of <see cref="MotionDirections"/>.</summary>
/// <param name="Frames">Frames per clip.</param>
/// <param name="Size">Canvas height and width in pixels.</param>
/// <param name="Count">Clips; the classes take turns (clip i has class i mod 4), so every class has a quarter of them.</param>
/// <param name="Seed">Clip i is a pure function of (Seed, i).</param>
/// <param name="Speed">Pixels per frame, as a fraction of the canvas.</param>
/// <param name="Radius">Half-size of the shape, as a fraction of the canvas.</param>
public sealed record MotionDirectionsConfig(int Frames = 8, int Size = 32, long Count = 2_048, long Seed = 0,
                                            double Speed = 0.06, double Radius = 0.12);

/// <summary>
/// A labelled toy set for video classification: one coloured square or disc moving in a straight line on black,
/// right, left, down or up, without touching a wall; the class is the direction. No single frame says which
/// class a clip has, and a model that pools its frames without regard to their order (a per-frame CNN averaged
/// over time) cannot tell right from left either: the same clip played backwards is a clip of the opposite
/// class. It can still tell horizontal from vertical, from the path the shape leaves. Three channels, values in [0, 1].
/// </summary>
public sealed class MotionDirections(MotionDirectionsConfig config) : ILabelledClipDataset
{
    /// <summary>The four classes, in label order.</summary>
    public static IReadOnlyList<string> Directions { get; } = ["right", "left", "down", "up"];

    public MotionDirectionsConfig Config { get; } = config;
    public long Count => Config.Count;
    public ClipShape Shape => new(Config.Frames, 3, Config.Size, Config.Size);
    public IReadOnlyList<string> Classes => Directions;

    public int Label(long index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), $"Clip {index} of {Count}.");
        return (int)(index % Directions.Count);
    }

    public Tensor GetClip(long index)
    {
        int label = Label(index), t = Config.Frames, n = Config.Size;
        var rng = ClipRandom.For(Config.Seed, index);
        double r = Config.Radius * n, step = Config.Speed * n, travel = step * (t - 1);
        if (2 * r + travel > n)
            throw new ArgumentException($"MotionDirections: a shape of radius {r:F1} px moving {travel:F1} px does not fit a {n}-pixel canvas; " +
                                        "lower Speed, Radius or Frames.");
        var (dx, dy) = label switch { 0 => (1, 0), 1 => (-1, 0), 2 => (0, 1), _ => (0, -1) };
        // Along the motion the shape starts where the whole path fits; across it anywhere inside.
        double Along(int direction) => direction > 0 ? r + rng.NextDouble() * (n - 2 * r - travel)
                                                     : n - r - rng.NextDouble() * (n - 2 * r - travel);
        double Across() => r + rng.NextDouble() * (n - 2 * r);
        double x = dx != 0 ? Along(dx) : Across(), y = dy != 0 ? Along(dy) : Across();
        bool disc = rng.Next(2) == 0;
        var rgb = new float[3];
        for (int c = 0; c < 3; c++) rgb[c] = (float)(0.2 + 0.5 * rng.NextDouble());
        rgb[rng.Next(3)] = 1f;

        var pixels = new float[t * 3 * n * n];
        for (int f = 0; f < t; f++, x += dx * step, y += dy * step)
            for (int py = Math.Max(0, (int)(y - r)); py <= Math.Min(n - 1, (int)(y + r)); py++)
                for (int px = Math.Max(0, (int)(x - r)); px <= Math.Min(n - 1, (int)(x + r)); px++)
                {
                    double ux = px + 0.5 - x, uy = py + 0.5 - y;
                    if (disc ? ux * ux + uy * uy > r * r : Math.Abs(ux) > r || Math.Abs(uy) > r) continue;
                    for (int c = 0; c < 3; c++) pixels[((f * 3 + c) * n + py) * n + px] = rgb[c];
                }
        return tensor(pixels, [t, 3, n, n]);  // (T, C, H, W)
    }
}
