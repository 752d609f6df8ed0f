using static TorchSharp.torch;

namespace VideoLab.Data;

/// <summary>Settings of <see cref="MovingMnist"/>; the defaults are Srivastava et al. (2015)'s.</summary>
/// <param name="Frames">Frames per clip (10 context + 10 future in the paper).</param>
/// <param name="Size">Canvas height and width in pixels (64 in the paper).</param>
/// <param name="Digits">Digits per clip (2 in the paper).</param>
/// <param name="Step">Distance moved per frame, as a fraction of the free area (canvas − digit) (0.1 in the paper).</param>
/// <param name="Count">Clips per epoch; clip indices beyond it are valid too, see <see cref="MovingMnist.Stream"/>.</param>
/// <param name="Seed">Clip i is a pure function of (Seed, i).</param>
public sealed record MovingMnistConfig(int Frames = 20, int Size = 64, int Digits = 2, double Step = 0.1,
                                       long Count = 10_000, long Seed = 0);

/// <summary>Where one digit of a clip is at each frame, and how it moves (in units of the free area, [0, 1]).</summary>
/// <param name="Digit">Index of the digit image in the IDX file.</param>
/// <param name="X">Left column of the digit per frame, in pixels.</param>
/// <param name="Y">Top row of the digit per frame, in pixels.</param>
/// <param name="Vx">Horizontal velocity per frame, after that frame's move and bounce (negated by a bounce at that frame).</param>
/// <param name="Vy">Vertical velocity per frame, after that frame's move and bounce.</param>
/// <param name="StartX">Where the digit starts, horizontally, before the step to the first frame ([0, 1] of the free area).</param>
/// <param name="StartY">Where it starts vertically.</param>
/// <param name="Angle">Its initial direction in radians (velocity (cos, sin)).</param>
public sealed record DigitTrack(int Digit, int[] X, int[] Y, double[] Vx, double[] Vy, double StartX, double StartY, double Angle);

/// <summary>
/// Moving MNIST (Srivastava, Mansimov and Salakhutdinov, "Unsupervised Learning of Video Representations
/// using LSTMs", ICML 2015), generated on the fly as in the authors' script: each digit starts at a
/// uniform position on the free area (64 − 28 = 36 pixels each way), moves in a uniform direction with a
/// fixed step of 0.1 of the free area per frame, and bounces off a wall by clamping to it and negating
/// that velocity component; every frame, including the first, is drawn after a step (the script, and
/// OpenSTL's <c>dataloader_moving_mnist.py</c>, step before recording a position); pixel positions are the
/// truncated products with the free area; digits are combined by pixel-wise max. Kept: all of that.
/// Changed: the random numbers come from a per-clip generator (<see cref="ClipRandom"/>), so clip i is a pure
/// function of (seed, i), independent of its neighbours, instead of a draw from a global stream; and
/// canvas, length, digit count and step are configurable. Training draws new clips every epoch
/// (<see cref="FreshClips"/>, as OpenSTL does); the standard test set is <see cref="MovingMnistTestSet"/>. Digits come from any MNIST-format IDX file,
/// so Moving Fashion-MNIST is the same class with Fashion-MNIST's file.
/// One channel, values in [0, 1].
/// </summary>
public sealed class MovingMnist : IClipGenerator
{
    readonly IdxArray _digits;
    readonly int _digitHeight, _digitWidth;

    /// <param name="config">Sizes, speed and seed.</param>
    /// <param name="digits">Images (N, h, w), e.g. from <see cref="IdxReader.ReadImages"/>; h and w must fit the canvas.</param>
    public MovingMnist(MovingMnistConfig config, IdxArray digits)
    {
        if (digits.Shape.Length != 3)
            throw new ArgumentException($"Moving MNIST needs digit images (N, h, w); {digits.Path} holds shape ({string.Join(", ", digits.Shape)}).");
        (_digitHeight, _digitWidth) = (digits.Shape[1], digits.Shape[2]);
        if (config.Size < _digitHeight || config.Size < _digitWidth)
            throw new ArgumentException($"Canvas size {config.Size} is smaller than the {_digitHeight}×{_digitWidth} digits of {digits.Path}.");
        if (config.Frames <= 0 || config.Digits <= 0 || config.Count <= 0 || config.Step < 0)
            throw new ArgumentException($"Moving MNIST needs positive Frames, Digits and Count and a non-negative Step; got {config}.");
        Config = config;
        _digits = digits;
    }

    /// <summary>Digits from <paramref name="path"/>: an IDX image file, or a folder holding MNIST's files.</summary>
    /// <param name="path">File or folder.</param>
    /// <param name="config">Generator settings.</param>
    /// <param name="split"><c>train</c> (train-images-idx3-ubyte) or <c>test</c> (t10k-images-idx3-ubyte), when <paramref name="path"/> is a folder.</param>
    public static MovingMnist FromPath(string path, MovingMnistConfig config, string split = "train") =>
        new(config, IdxReader.ReadImages(Directory.Exists(path) ? FindImages(path, split) : path));

    /// <summary>The images file of <paramref name="split"/> in an MNIST folder, plain or .gz.</summary>
    public static string FindImages(string folder, string split = "train")
    {
        var stem = split.ToLowerInvariant() switch
        {
            "train" => "train-images-idx3-ubyte",
            "test" or "t10k" or "validation" => "t10k-images-idx3-ubyte",
            _ => throw new ArgumentException($"Unknown split '{split}'; expected train or test."),
        };
        var dotted = stem.Replace("-idx3", ".idx3");  // some mirrors name them train-images.idx3-ubyte
        foreach (var name in new[] { stem, stem + ".gz", dotted, dotted + ".gz" })
        {
            var candidate = System.IO.Path.Combine(folder, name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new DataFileException(System.IO.Path.Combine(folder, stem),
            $"no {stem} or {stem}.gz in this folder; expected MNIST-format IDX files there. Run `videolab data download mnist` or pass --data-path.");
    }

    public MovingMnistConfig Config { get; }
    public long Count => Config.Count;
    public ClipShape Shape => new(Config.Frames, 1, Config.Size, Config.Size);

    /// <summary>Number of digit images the clips draw from.</summary>
    public int DigitCount => _digits.Count;

    public Tensor GetClip(long index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), $"Clip {index} of {Count}.");
        return Clip(index);
    }

    /// <summary>Clip <paramref name="index"/> for any index ≥ 0, <c>(T, 1, H, W)</c>: an endless stream of distinct clips.</summary>
    public Tensor Clip(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        int t = Config.Frames, n = Config.Size;
        var pixels = new byte[t * n * n];
        foreach (var track in Tracks(index))
        {
            var digit = _digits.Item(track.Digit);
            for (int f = 0; f < t; f++)
            {
                var frame = pixels.AsSpan(f * n * n, n * n);
                for (int y = 0; y < _digitHeight; y++)
                {
                    var row = frame.Slice((track.Y[f] + y) * n + track.X[f], _digitWidth);
                    var src = digit.Slice(y * _digitWidth, _digitWidth);
                    for (int x = 0; x < row.Length; x++) row[x] = Math.Max(row[x], src[x]);  // digits combine by pixel-wise max
                }
            }
        }
        return tensor(UnitFloats(pixels), [t, 1, n, n]);  // (T, 1, H, W)
    }

    /// <summary>
    /// Bytes 0..255 → floats in [0, 1], in managed code. Converting with torch (<c>to_type</c>, <c>div_</c>) is the same
    /// arithmetic, but each call is a parallel region, and on a busy machine a small clip then waits for a second
    /// thread to be scheduled: measured 20× slower per clip with 2 torch threads under load (bench/data).
    /// </summary>
    internal static float[] UnitFloats(ReadOnlySpan<byte> pixels)
    {
        var values = new float[pixels.Length];
        for (int i = 0; i < values.Length; i++) values[i] = pixels[i] / 255f;
        return values;
    }

    /// <summary>Clips <paramref name="start"/>, start + 1, … without end, for training on a stream. The caller disposes each.</summary>
    public IEnumerable<Tensor> Stream(long start = 0)
    {
        for (long i = start; ; i++) yield return Clip(i);
    }

    /// <summary>The trajectories of clip <paramref name="index"/>'s digits (what <see cref="Clip"/> draws).</summary>
    public DigitTrack[] Tracks(long index)
    {
        var rng = ClipRandom.For(Config.Seed, index);
        int limitX = Config.Size - _digitWidth, limitY = Config.Size - _digitHeight;
        var tracks = new DigitTrack[Config.Digits];
        for (int d = 0; d < Config.Digits; d++)
        {
            // As in the authors' script: position uniform on [0, 1]² of the free area, direction uniform on the circle.
            double y = rng.NextDouble(), x = rng.NextDouble(), theta = rng.NextDouble() * 2 * Math.PI;
            double vy = Math.Sin(theta), vx = Math.Cos(theta);
            int digit = rng.Next(_digits.Count);
            var track = new DigitTrack(digit, new int[Config.Frames], new int[Config.Frames], new double[Config.Frames], new double[Config.Frames], x, y, theta);
            for (int f = 0; f < Config.Frames; f++)
            {
                x += vx * Config.Step;            // step first, then record: the first frame is one step from the start
                y += vy * Config.Step;
                if (x <= 0) { x = 0; vx = -vx; }  // bounce: clamp to the wall, reverse that component
                if (x >= 1) { x = 1; vx = -vx; }
                if (y <= 0) { y = 0; vy = -vy; }
                if (y >= 1) { y = 1; vy = -vy; }
                track.X[f] = (int)(limitX * x);
                track.Y[f] = (int)(limitY * y);
                track.Vx[f] = vx;
                track.Vy[f] = vy;
            }
            tracks[d] = track;
        }
        return tracks;
    }
}
