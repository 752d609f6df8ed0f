using System.Runtime.InteropServices;

namespace VideoLab.Sweeps;

/// <summary>Sends a POSIX signal to a process (.NET can only kill outright): how a task passes SIGTERM/SIGINT on to train.</summary>
static partial class Signals
{
    /// <summary>Sends SIGTERM or SIGINT to <paramref name="pid"/>; false when it is gone (or on Windows, which has no such signals).</summary>
    public static bool Send(int pid, PosixSignal signal)
    {
        if (OperatingSystem.IsWindows()) return false;
        int number = signal switch
        {
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGTERM => 15,
            _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "Only SIGINT and SIGTERM are passed on."),
        };
        return Kill(pid, number) == 0;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
