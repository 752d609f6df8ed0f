using System.Runtime.InteropServices;
using VideoLab.Runtime;
using static TorchSharp.torch;

namespace VideoLab.Tests.Runtime;

/// <summary>
/// glibc's malloc as <see cref="NativeHeap"/> sets it: a tensor larger than glibc's largest mmap threshold (32 MiB) comes
/// from the heap, and once the allocator has settled its memory is there again for the next tensor of that size. With
/// glibc's defaults the 40 MiB tensor below is a mapping of its own every time, unmapped when freed, so every page of
/// every new one faults. (glibc 2.36 keeps a few freed blocks of a repeated aligned size out of reach at first: LibTorch
/// allocates with <c>posix_memalign</c>, whose small leftovers go to the thread cache, up to 7 per size; hence the cycles.)
/// </summary>
public class NativeHeapTests
{
    const long Floats = 10L << 20;  // 40 MiB of float32
    const long Pages = Floats * sizeof(float) / 4096;

    [Fact]
    public void A_large_tensor_comes_from_the_heap_and_its_memory_is_reused()
    {
        Assert.True(NativeHeap.KeepsFreedMemory, $"mallopt was not applied ({NativeHeap.Variable}={Environment.GetEnvironmentVariable(NativeHeap.Variable)})");

        // Every tensor is made and filled on this thread, so its own fault counter (not the other tests') tells
        // whether it got pages already mapped. At two threads LibTorch's worker fills half, so a fresh tensor shows ≥ Pages/2.
        var faults = new List<long>();
        for (int cycle = 0; cycle < 12; cycle++)
        {
            var mappedBefore = Glibc.mallinfo2().hblkhd;
            long faultsBefore = ThreadMinorFaults();
            using var tensor = empty(Floats);
            tensor.fill_(1);
            faults.Add(ThreadMinorFaults() - faultsBefore);
            // Signed: another thread may free an older mapping meanwhile.
            Assert.True((long)Glibc.mallinfo2().hblkhd - (long)mappedBefore < Floats * sizeof(float),
                        "the 40 MiB tensor is a separate mapping, as with glibc's defaults");
        }
        Assert.True(faults.TakeLast(4).Min() < Pages / 4,
                    $"page faults filling a 40 MiB tensor ({Pages} pages) in 12 allocate-free cycles: {string.Join(", ", faults)}; its memory was never reused");
    }

    /// <summary>Minor page faults of the calling thread (field 10 of <c>/proc/thread-self/stat</c>, after the command name).</summary>
    static long ThreadMinorFaults()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');  // from field 3 (state) on
        return long.Parse(fields[10 - 3]);
    }

    static class Glibc
    {
        [StructLayout(LayoutKind.Sequential)]
        internal struct MallInfo2
        {
            public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
        }

        [DllImport("libc.so.6")]
        internal static extern MallInfo2 mallinfo2();
    }
}
