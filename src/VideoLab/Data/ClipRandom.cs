namespace VideoLab.Data;

/// <summary>
/// The random numbers of one generated clip: SplitMix64 (Steele, Lea and Flood 2014, "Fast splittable pseudorandom
/// number generators"; the generator Java's SplittableRandom uses) started from a hash of (seed, clip index).
/// Clip i is a pure function of (seed, i), and neighbouring clips are independent: a counter-based start, unlike
/// <c>new Random(seed·a + i·b)</c>, whose seeded .NET generator is affine in its seed, so that clip i + 1's draws
/// were clip i's plus a constant (Moving MNIST's start positions then covered ~515 of 1,369 possible pairs).
/// </summary>
public sealed class ClipRandom
{
    const ulong Golden = 0x9E3779B97F4A7C15;  // 2^64 / φ, SplitMix64's increment
    ulong _state;

    ClipRandom(ulong state) => _state = state;

    /// <summary>The generator of clip <paramref name="index"/> of the dataset seeded with <paramref name="seed"/>.</summary>
    public static ClipRandom For(long seed, long index) => new(Mix(Mix(unchecked((ulong)seed) + Golden) + unchecked((ulong)index)));

    /// <summary>SplitMix64's output function: a bijective 64-bit mix (every input bit affects every output bit).</summary>
    public static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64() => Mix(_state = unchecked(_state + Golden));

    /// <summary>Uniform on [0, 1), 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform on {0, …, <paramref name="count"/> − 1}, without bias (Lemire's multiply-and-reject).</summary>
    public int Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ulong n = (ulong)count, threshold = unchecked(0UL - n) % n;  // 2^64 mod n: the low products below it are rejected
        while (true)
        {
            ulong high = Math.BigMul(NextUInt64(), n, out ulong low);
            if (low >= threshold) return (int)high;
        }
    }
}
