using System.Runtime.CompilerServices;
using VideoLab.Notebooks.Engine;

namespace VideoLab.Notebooks.Scripting;

/// <summary>
/// Where a cell's own loops and methods stop when the user interrupts: the engine inserts a call to
/// <see cref="Check"/> into them (see the engine's interrupt points), and cells may call it themselves.
/// </summary>
public static class Interruption
{
    /// <summary>Interrupts asked for whose cell has not ended yet: while 0, a check is one volatile read.</summary>
    static volatile int _pending;

    /// <summary>Throws <see cref="OperationCanceledException"/> if the cell this code runs for has been interrupted.</summary>
    public static void Check()
    {
        if (_pending != 0) CheckCell();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void CheckCell()
    {
        // Only the interrupted cell's code stops: a background loop an earlier cell left running goes on.
        if (CellScope.Current is { CancellationToken: { IsCancellationRequested: true } token })
            throw new OperationCanceledException("The cell was interrupted.", token);
    }

    internal static void Requested() => Interlocked.Increment(ref _pending);

    internal static void Ended() => Interlocked.Decrement(ref _pending);
}
