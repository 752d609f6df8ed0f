using VideoLab.Notebooks.Engine;

namespace VideoLab.Notebooks.Scripting;

/// <summary>
/// Members every cell can use without a prefix, as in Polyglot Notebooks: <c>display(x)</c>, and the
/// cell's <see cref="CancellationToken"/> for long loops that should stop when the user interrupts.
/// </summary>
public class NotebookGlobals
{
    /// <summary>Shows <paramref name="value"/> as an output of the running cell; the handle updates it in place.</summary>
#pragma warning disable IDE1006 // the name is Polyglot's
    public DisplayHandle display(object? value) => DisplayExtensions.DisplayInCurrentCell(value);
#pragma warning restore IDE1006

    /// <summary>Cancelled when the running cell is interrupted.</summary>
    public CancellationToken CancellationToken => CellScope.Current?.CancellationToken ?? CancellationToken.None;
}

/// <summary><c>x.Display()</c>, as in Polyglot Notebooks.</summary>
public static class DisplayExtensions
{
    /// <summary>Shows <paramref name="value"/> as an output of the running cell; the handle updates it in place.</summary>
    public static DisplayHandle Display(this object? value) => DisplayInCurrentCell(value);

    internal static DisplayHandle DisplayInCurrentCell(object? value) =>
        (CellScope.Current ?? throw new InvalidOperationException(
            "display() was called outside a running notebook cell: there is no output to show it in."))
        .Display(value);
}
