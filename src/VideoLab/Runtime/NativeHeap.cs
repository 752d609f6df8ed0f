using System.Runtime.InteropServices;

namespace VideoLab.Runtime;

/// <summary>
/// Makes glibc's <c>malloc</c>, which LibTorch allocates CPU tensors with, keep freed memory for the next allocation
/// instead of handing it back to the kernel. By default glibc serves blocks over its mmap threshold (at most 32 MiB)
/// with fresh pages and unmaps them on free, and gives the top of its heap back once twice that threshold lies free there;
/// a training step allocates and frees the same large activations every time, so every step pays the kernel to map
/// and zero the same memory again. Perf over a SimVP training step at two threads put 24% of the process's CPU time
/// in the kernel (page faults, <c>clear_page_erms</c>); with freed memory kept, 8% (bench/README.md, "glibc's
/// malloc kept"). PyTorch's CPU tuning guide gets the same by preloading jemalloc or tcmalloc; glibc's own
/// <c>mallopt</c> needs nothing installed.
/// </summary>
/// <remarks>
/// The process's resident memory then stays at its high-water mark rather than shrinking between steps, as with the
/// caching allocators of CUDA and of PyTorch's guide. Set <c>VIDEOLAB_NATIVE_HEAP=system</c> before the process starts
/// to leave glibc as configured (for example with <c>GLIBC_TUNABLES</c> or a preloaded allocator). Threads other than
/// the main one allocate from glibc's per-thread arenas, which cannot hold a single block over 64 MiB: such blocks are
/// still mapped afresh. glibc 2.36 also leaves the first few freed blocks of a repeated aligned size out of reach (the
/// leftover of each <c>posix_memalign</c> waits in the thread cache, up to 7 per size) before it reuses them, so a
/// model's resident memory settles some hundred MiB higher than before (SimVP at the benchmark's size: +180 MiB).
/// A no-op outside Linux/glibc.
/// </remarks>
public static class NativeHeap
{
    /// <summary>Environment variable: <c>system</c> leaves glibc's malloc as it is.</summary>
    public const string Variable = "VIDEOLAB_NATIVE_HEAP";

    // glibc's <malloc.h> parameter numbers.
    const int TrimThreshold = -1;  // M_TRIM_THRESHOLD: free bytes at the heap's top before it shrinks
    const int TopPad = -2;         // M_TOP_PAD: spare bytes a heap keeps; at 64 MiB a thread's extra heaps are never unmapped
    const int MmapMax = -4;        // M_MMAP_MAX: how many blocks may be served by their own mmap (0: none)

    static readonly Lock Gate = new();
    static bool _done;

    /// <summary>Whether this process's malloc keeps freed memory (set by <see cref="KeepFreedMemory"/>).</summary>
    public static bool KeepsFreedMemory { get; private set; }

    /// <summary>Applies the settings once per process, unless <see cref="Variable"/> is <c>system</c>. Safe to call many times.</summary>
    public static void KeepFreedMemory()
    {
        lock (Gate)
        {
            if (_done) return;
            _done = true;
            if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Variable) is "system") return;
            try
            {
                // Big blocks come from the heap, the heap never shrinks, and the per-thread arenas keep their extra heaps
                // (glibc unmaps an empty one unless the top pad could not fit in the heap before it), so the next step
                // reuses them. The pad is address space only: untouched pages cost no memory.
                KeepsFreedMemory = Glibc.mallopt(MmapMax, 0) == 1 && Glibc.mallopt(TrimThreshold, int.MaxValue) == 1
                                   && Glibc.mallopt(TopPad, 64 << 20) == 1;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // musl and other C libraries have no mallopt: their malloc stays as it is.
            }
        }
    }

    // Runs when any VideoLab type is first touched, before the first tensor, so library users need no explicit call.
#pragma warning disable CA2255
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void OnVideoLabLoaded() => KeepFreedMemory();
#pragma warning restore CA2255

    static class Glibc
    {
        [DllImport("libc.so.6", EntryPoint = "mallopt")]
        internal static extern int mallopt(int parameter, int value);
    }
}
