namespace VideoLab.Runtime;

/// <summary>
/// The stop request of whatever hosts the code that is running, for library loops that nobody hands a token:
/// the notebook kernel sets it for each cell and cancels it when the user interrupts, so a
/// <c>Trainer.Fit</c> inside a cell stops at its next step (saving its checkpoint) as Ctrl-C stops <c>videolab train</c>.
/// It flows with the execution context (an <see cref="AsyncLocal{T}"/>): tasks and threads the cell starts see it.
/// </summary>
public static class HostCancellation
{
    static readonly AsyncLocal<CancellationToken> Ambient = new();

    /// <summary>The host's token for the code running now; <see cref="CancellationToken.None"/> outside any host that sets one.</summary>
    public static CancellationToken Token => Ambient.Value;

    /// <summary>Sets the token for the current execution context and the work it starts from now on.</summary>
    public static void Set(CancellationToken token) => Ambient.Value = token;
}
