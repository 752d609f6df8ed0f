using System.Runtime;

namespace VideoLab.Runtime;

/// <summary>
/// Runs a piece of work with the .NET garbage collector held off, so collections happen between
/// training steps instead of during them.
/// </summary>
/// <remarks>
/// Why: TorchSharp 0.107 hands the temporary <c>Scalar</c>s it creates implicitly (the alpha of
/// <c>a + b</c> and <c>a - b</c>, the <c>0.5</c> of <c>x * 0.5</c>, …) to LibTorch as raw pointers and does not keep them
/// alive for the call. <c>Scalar</c> has a finalizer, so a collection triggered by another thread (a
/// progress display, the prefetching loader) can free one while LibTorch is reading it; the step then
/// fails with "Expected false to be true … toFloat" (seen once in about a hundred steps of a 3-minute CLI run).
/// Inside a no-GC region no collection runs; at the region's start a collection may run, on this thread,
/// when no native call is in flight on it. Objects finalized then are from earlier steps, which are done.
/// When TorchSharp keeps its temporaries alive (its pull requests 1434 and 1496 dispose them), delete this.
/// </remarks>
public static class CollectionPause
{
    /// <summary>Managed bytes the work may allocate (on every thread) before the collector runs anyway.</summary>
    public const long Budget = 32L << 20;

    /// <summary>Runs <paramref name="work"/> inside a no-GC region, or plainly if one cannot be started.</summary>
    public static T Run<T>(Func<T> work)
    {
        bool paused = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && TryStart();
        try
        {
            return work();
        }
        finally
        {
            if (paused && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                GC.EndNoGCRegion();
        }
    }

    static bool TryStart()
    {
        try { return GC.TryStartNoGCRegion(Budget); }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException) { return false; }
    }
}
