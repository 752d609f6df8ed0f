using VideoLab.Runtime;
using static TorchSharp.torch;

namespace VideoLab.Tests.Runtime;

public class SeedTests
{
    static (float[] Torch, int[] Managed) Draw(long seed)
    {
        Lab.Seed(seed);
        using var t = randn(16);
        return (t.data<float>().ToArray(), Enumerable.Range(0, 8).Select(_ => Lab.Random.Next()).ToArray());
    }

    [Fact]
    public void The_same_seed_gives_identical_numbers_from_torch_and_the_managed_rng()
    {
        lock (SeedLock.Gate)
        {
            var a = Draw(123);
            var b = Draw(123);
            Assert.Equal(a.Torch, b.Torch);
            Assert.Equal(a.Managed, b.Managed);
            Assert.Equal(123, Lab.CurrentSeed);
        }
    }

    [Fact]
    public void Different_seeds_give_different_numbers()
    {
        lock (SeedLock.Gate)
        {
            var a = Draw(1);
            var b = Draw(2);
            Assert.NotEqual(a.Torch, b.Torch);
            Assert.NotEqual(a.Managed, b.Managed);
        }
    }
}

/// <summary>Torch's global generator is process-wide: tests that depend on it take this lock.</summary>
static class SeedLock
{
    public static readonly object Gate = new();
}
