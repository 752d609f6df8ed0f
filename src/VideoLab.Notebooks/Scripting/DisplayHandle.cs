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
    public void Update(object? value)
    {
        var bundle = _cell.Session.Format(value);
        _cell.Flush();
        _cell.Output.UpdateDisplay(bundle, DisplayId);
    }

    public override string ToString() => $"display {DisplayId}";
}
