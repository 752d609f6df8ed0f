using System.Globalization;
using VideoLab.Data;
using VideoLab.Tests.References;
using VideoLab.Tutorials;
using static TorchSharp.torch;

namespace VideoLab.Tests.Tutorials;

public sealed class ShapeStatisticsTests
{
    [Fact]
    public void A_red_square_moving_right_has_the_statistics_its_definition_gives()
    {
        using var scope = NewDisposeScope();
        // One clip: a 4×4 pure red square on a 16×16 black canvas, one pixel to the right per frame, 3 frames.
        var clip = zeros(new long[] { 1, 3, 3, 16, 16 });
        for (int t = 0; t < 3; t++) clip[0, t, 0, 6..10, (4 + t)..(8 + t)] = tensor(1f);
        var f = ShapeStatistics.Features(clip)[0].data<double>().ToArray();
        Assert.Equal(1 - 16 / 256.0, f[0], 12);                      // dark fraction: 16 lit pixels of 256
        Assert.Equal(1.0, f[1], 12);                                 // saturation: max 1, min 0
        Assert.Equal(9 / 16.0, f[2], 12);                            // flat: the 3×3 lit pixels whose right and lower neighbours are lit
        Assert.Equal(2 * 4 / (3.0 * 256), f[3], 12);                 // change: 8 pixels flip per step, 1 channel of 3
        Assert.InRange(f[4], 0.4, 0.9);                              // correlated consecutive frames (they share 12 of 16 pixels)
        Assert.Equal(ShapeStatistics.Names.Count, f.Length);
    }

    [Fact]
    public void Shapes_and_noise_are_far_apart_and_two_sets_of_shapes_are_close()
    {
        using var scope = NewDisposeScope();
        var shapes = new BouncingShapes(new BouncingShapesConfig(Frames: 6, Size: 32, Count: 128, Seed: 5));
        Tensor Set(int start) => stack(Enumerable.Range(start, 64).Select(i => shapes.GetClip(i)).ToArray());
        var (a, b) = (ShapeStatistics.Features(Set(0)), ShapeStatistics.Features(Set(64)));
        manual_seed(0);
        var noise = ShapeStatistics.Features(rand(new long[] { 64, 6, 3, 32, 32 }));
        double realReal = ShapeStatistics.FrechetDistance(a, b), realNoise = ShapeStatistics.FrechetDistance(a, noise);
        Assert.True(realNoise > 100 * realReal, $"real vs real {realReal:G3}, real vs noise {realNoise:G3}");
        Assert.Equal(0, ShapeStatistics.FrechetDistance(a, a), 9);
        Assert.Throws<ArgumentException>(() => ShapeStatistics.FrechetDistance(a, b.narrow(1, 0, 3)));
    }

    [Fact]
    public void The_frechet_distance_is_the_one_scipy_computes()
    {
        using var dir = new Data.TempFolder();
        using var scope = NewDisposeScope();
        manual_seed(1);
        var a = randn(50, 5, dtype: float64) * tensor(new double[] { 1, 2, 0.5, 3, 1 }) + 1;   // (50, 5)
        var b = randn(40, 5, dtype: float64).matmul(randn(5, 5, dtype: float64)) * 0.7;        // correlated columns
        VideoLab.Data.NpyTensor.Write(dir.File("a.npy"), a);
        VideoLab.Data.NpyTensor.Write(dir.File("b.npy"), b);
        // The formula of FID implementations (pytorch-fid): scipy.linalg.sqrtm of the product of the covariances.
        var reference = DebianPython.Run("""
            import sys, numpy as np, scipy.linalg
            a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
            ma, mb = a.mean(0), b.mean(0)
            ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
            root = scipy.linalg.sqrtm(ca @ cb).real
            print(repr(float(((ma - mb) ** 2).sum() + np.trace(ca) + np.trace(cb) - 2 * np.trace(root))))
            """, dir.File("a.npy"), dir.File("b.npy"));
        double expected = double.Parse(reference.Trim(), CultureInfo.InvariantCulture);
        Assert.Equal(expected, ShapeStatistics.FrechetDistance(a, b), 1e-8 * Math.Max(1, expected));
    }
}
