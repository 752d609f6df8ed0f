using System.Diagnostics;
using VideoLab.Runtime;

namespace VideoLab.Notebooks.Tests.Engine;

/// <summary>Loops compiled outside any cell (so without interrupt points), called from cells as library code would be.</summary>
public static class LibraryLoops
{
    /// <summary>Spins until the host (the notebook engine) cancels, as <c>Trainer.Fit</c> does between steps; returns the rounds.</summary>
    public static long SpinUntilTheHostCancels()
    {
        long rounds = 0;
        while (!HostCancellation.Token.IsCancellationRequested) { rounds++; Thread.SpinWait(1000); }
        return rounds;
    }

    /// <summary>Busy for <paramref name="seconds"/>, checking nothing: code that cannot be interrupted.</summary>
    public static void SpinWithoutChecking(double seconds)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds) Thread.SpinWait(1000);
    }
}
