namespace VideoLab.Notebooks.Engine;

/// <summary>Where a cell's run comes from, as far as the front-end says: which cell, which page.</summary>
public sealed record CellRequest
{
    /// <summary>The front-end's id of the cell, when it sends one (JupyterLab, VS Code, the headless runner): tells a re-run of the same cell apart.</summary>
    public string? CellId { get; init; }

    /// <summary>
    /// The front-end's own session (Jupyter's <c>header.session</c>: one per opened page). Outputs shown to an
    /// earlier session cannot be replaced any more: a reloaded page does not know their display ids.
    /// </summary>
    public string? ClientSession { get; init; }
}
