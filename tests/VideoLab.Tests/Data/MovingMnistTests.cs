using VideoLab.Data;
using VideoLab.Tests.References;

namespace VideoLab.Tests.Data;

/// <summary>Moving MNIST invariants, on Fashion-MNIST's real test images (Debian's dataset-fashion-mnist).</summary>
public class MovingMnistTests
{
    static readonly MovingMnistConfig Small = new(Frames: 8, Size: 48, Digits: 2, Count: 16, Seed: 3);
    static MovingMnist Data(MovingMnistConfig? config = null) => new(config ?? Small, IdxReaderTests.FashionImages);

    [Fact]
    public void A_clip_has_one_channel_in_the_unit_range()
    {
        using var clip = Data().GetClip(5);
        Assert.Equal(new long[] { 8, 1, 48, 48 }, clip.shape);
        Assert.Equal(new ClipShape(8, 1, 48, 48), Data().Shape);
        Assert.True(clip.min().item<float>() >= 0f && clip.max().item<float>() <= 1f);
        Assert.True(clip.gt(0).sum().item<long>() > 0, "no digit was drawn");
    }

    [Fact]
    public void The_same_seed_and_index_give_the_same_clip_and_others_differ()
    {
        using var a = Data().GetClip(2);
        using var b = Data().GetClip(2);
        using var c = Data().GetClip(3);
        using var d = Data(Small with { Seed = 4 }).GetClip(2);
        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.eq(c).all().item<bool>());
        Assert.False(a.eq(d).all().item<bool>());
    }

    [Fact]
    public void Digits_stay_inside_the_canvas_and_nothing_is_drawn_outside_them()
    {
        var data = Data(Small with { Step = 0.3 });
        for (long i = 0; i < 6; i++)
        {
            var tracks = data.Tracks(i);
            using var clip = data.GetClip(i);
            var pixels = clip.data<float>().ToArray();
            for (int f = 0; f < Small.Frames; f++)
            {
                foreach (var t in tracks)
                {
                    Assert.InRange(t.X[f], 0, 48 - 28);
                    Assert.InRange(t.Y[f], 0, 48 - 28);
                }
                for (int y = 0; y < 48; y++)
                    for (int x = 0; x < 48; x++)
                        if (pixels[(f * 48 + y) * 48 + x] > 0)
                            Assert.Contains(tracks, t => x >= t.X[f] && x < t.X[f] + 28 && y >= t.Y[f] && y < t.Y[f] + 28);
            }
        }
    }

    [Fact]
    public void A_bounce_reverses_one_velocity_component_at_the_wall_and_keeps_the_speed()
    {
        var data = Data(new MovingMnistConfig(Frames: 20, Size: 64, Digits: 1, Step: 0.35, Count: 4, Seed: 1));
        int bounces = 0;
        for (long i = 0; i < 4; i++)
        {
            var t = data.Tracks(i)[0];
            for (int f = 1; f < 19; f++)
            {
                Assert.Equal(1.0, Math.Sqrt(t.Vx[f] * t.Vx[f] + t.Vy[f] * t.Vy[f]), 9);  // fixed speed
                if (Math.Sign(t.Vx[f]) != Math.Sign(t.Vx[f - 1]))
                {
                    bounces++;
                    Assert.Equal(-t.Vx[f - 1], t.Vx[f]);
                    Assert.Contains(t.X[f], new[] { 0, 64 - 28 });  // frame f is drawn at the wall it hit
                }
                if (Math.Sign(t.Vy[f]) != Math.Sign(t.Vy[f - 1]))
                {
                    bounces++;
                    Assert.Equal(-t.Vy[f - 1], t.Vy[f]);
                    Assert.Contains(t.Y[f], new[] { 0, 64 - 28 });
                }
            }
        }
        Assert.True(bounces >= 4, $"only {bounces} bounces in 4 fast clips");
    }

    [Fact]
    public void The_first_frame_is_one_step_from_the_start_as_in_the_reference_script()
    {
        // Srivastava et al.'s script and OpenSTL's loader step (and bounce) before recording a position.
        var config = new MovingMnistConfig(Frames: 3, Size: 64, Digits: 2, Step: 0.1, Count: 50, Seed: 2);
        var data = Data(config);
        for (long i = 0; i < config.Count; i++)
            foreach (var t in data.Tracks(i))
            {
                double x = Math.Clamp(t.StartX + Math.Cos(t.Angle) * config.Step, 0, 1), y = Math.Clamp(t.StartY + Math.Sin(t.Angle) * config.Step, 0, 1);
                Assert.Equal((int)(36 * x), t.X[0]);
                Assert.Equal((int)(36 * y), t.Y[0]);
            }
    }

    [Fact]
    public void Digits_combine_by_pixel_wise_max()
    {
        var data = Data(Small with { Digits = 3, Step = 0.05 });  // slow: digits overlap often
        var images = IdxReaderTests.FashionImages;
        var tracks = data.Tracks(7);
        using var clip = data.GetClip(7);
        var got = clip.data<float>().ToArray();
        var expected = new byte[8 * 48 * 48];
        for (int f = 0; f < 8; f++)
            foreach (var t in tracks)
                for (int y = 0; y < 28; y++)
                    for (int x = 0; x < 28; x++)
                    {
                        ref var p = ref expected[(f * 48 + t.Y[f] + y) * 48 + t.X[f] + x];
                        p = Math.Max(p, images.Item(t.Digit)[y * 28 + x]);
                    }
        for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k] / 255f, got[k], 6);
    }

    [Fact]
    public void The_stream_continues_past_one_epoch()
    {
        var data = Data();
        using var beyond = data.Stream(start: Small.Count).First();
        using var direct = data.Clip(Small.Count);
        Assert.True(beyond.eq(direct).all().item<bool>());
        Assert.Throws<ArgumentOutOfRangeException>(() => data.GetClip(Small.Count));
    }

    [Fact]
    public void The_catalog_opens_moving_fashion_mnist_from_debian_and_explains_missing_mnist()
    {
        var data = DatasetCatalog.Open(new DataSpec("moving-fashion-mnist", Frames: 4, Count: 3, Split: "test"));
        Assert.Equal(new ClipShape(4, 1, 64, 64), data.Shape);
        Assert.Equal(10_000, ((MovingMnist)data).DigitCount);
        var e = Assert.Throws<ArgumentException>(() => DatasetCatalog.Open(new DataSpec("moving-mnist")));
        Assert.Contains("videolab data download mnist", e.Message);
        Assert.Contains("--data-path", e.Message);
        using var dir = new TempFolder();
        var missing = Assert.Throws<DataFileException>(() => DatasetCatalog.Open(new DataSpec("moving-mnist", dir.Path)));
        Assert.Contains("train-images-idx3-ubyte", missing.Message);
    }

    [Fact]
    public void The_benchmark_peers_generator_draws_the_same_clips()
    {
        // bench/peers/moving_mnist.py ports MovingMnist and ClipRandom to Python so both sides of the benchmark train on
        // the same fresh clips; clip i must be the same pixels in both.
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "VideoLab.slnx"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no repository root above the tests");
        using var dir = new TempFolder();
        var config = new MovingMnistConfig(Frames: 20, Size: 64, Digits: 2, Count: 5, Seed: 7);
        DebianPython.Run("""
            import sys; sys.path.insert(0, sys.argv[1])
            import numpy as np, moving_mnist as m
            digits = m.read_idx_images(sys.argv[2])
            np.save(sys.argv[3], m.clips(digits, 7, 1000, 5))
            """, Path.Combine(root, "bench", "peers"), IdxReaderTests.FashionTestImages, dir.File("peer.npy"));
        using var peer = NpyTensor.Read(dir.File("peer.npy"));                       // uint8 (5, 20, 64, 64)
        var data = Data(config);
        for (int i = 0; i < 5; i++)
        {
            using var ours = (data.Clip(1000 + i) * 255).round().to(TorchSharp.torch.ScalarType.Byte).squeeze(1);  // (20, 64, 64)
            Assert.True(ours.eq(peer[i]).all().item<bool>(), $"clip {1000 + i} differs between VideoLab and bench/peers/moving_mnist.py");
        }
    }
}
