using VideoLab.Notebooks.Engine;

namespace VideoLab.Notebooks.Scripting;

/// <summary>
/// A value shown by <c>display(x)</c>. <see cref="Update"/> replaces it in place (Jupyter's
/// <c>update_display_data</c>, Polyglot's <c>DisplayedValue.Update</c>): a live loss chart or progress line.
/// </summary>
public sealed class DisplayHandle
{
    readonly CellScope _cell;

    internal DisplayHandle(string displayId, CellScope cell)
    {
        DisplayId = displayId;
        _cell = cell;
    }

    /// <summary>The Jupyter <c>display_id</c> of the output.</summary>
    public string DisplayId { get; }

    /// <summary>Shows <paramref name="value"/> in place of what this handle showed.</summary>
    /// <remarks>
    /// From a later cell the update is sent as that cell's output (Jupyter clients only accept messages
    /// of the running request; the display id says which output to replace, wherever it is).
    /// </remarks>
    public void Update(object? value)
    {
        var target = CellScope.Current is { } running && running.Session == _cell.Session ? running : _cell;
        var bundle = _cell.Session.Format(value);
        target.Flush();
        target.SendSharedAssets();
        target.Output.UpdateDisplay(bundle, DisplayId);
    }

    public override string ToString() => $"display {DisplayId}";
}
