using VideoLab.Display;
using VideoLab.Notebooks.Display;

namespace VideoLab.Notebooks.Engine;

/// <summary>
/// Keeps exactly one copy of each large shared asset (plotly.js, ≈3.6 MB) in a notebook, in an output of its own
/// that every chart finds by itself (see <see cref="VideoLab.Plots.PlotlyJs"/>), so that a saved notebook renders
/// all its charts without carrying plotly.js once per chart.
/// </summary>
/// <remarks>
/// <para>The copy moves to the latest cell run that needs it: the first output such a run shows is preceded by
/// the asset (a <c>display_data</c> with a display id), and the previous copy, wherever it is, is emptied by an
/// <c>update_display_data</c>. So the copy survives any re-run (a re-run chart cell gets it back at once), the
/// replacement of a live display by <c>Update</c> (the copy is never part of a replaced output), and the
/// clearing of any other cell. When the cell that holds the copy is re-run — known from the front-end's cell id
/// (JupyterLab, VS Code) or, for front-ends that send none (classic Notebook, nbclient), from identical code —
/// the copy is sent again before anything else, because the front-end has just cleared it.</para>
/// <para>A reloaded page (a new front-end session) no longer knows the display ids of outputs it loaded from disk,
/// so the previous copy cannot be emptied from there: the first chart cell run after a reload adds a copy, and the
/// copy moves again, one copy, from then on; re-running the cell that holds an older copy removes that one.</para>
/// <para>Not covered: clearing the output of the one cell that holds the copy by hand. The kernel is never told;
/// the charts then say under themselves that plotly.js is missing and that running any chart cell restores it.</para>
/// </remarks>
sealed class SharedAssetCarrier
{
    sealed record Copy(string DisplayId, SharedAsset Asset, CellScope Cell);

    readonly Lock _gate = new();
    readonly Dictionary<string, Copy> _copies = [];

    /// <summary>Called when a cell starts: if it holds a copy, the front-end cleared it, so the copy is sent again first.</summary>
    public void CellStarting(CellScope cell)
    {
        List<SharedAsset> cleared;
        lock (_gate)
            cleared = [.. _copies.Values.Where(c => c.Cell.IsSameCellAs(cell)).Select(c => c.Asset)];
        Send(cell, cleared);
    }

    /// <summary>Sends each asset not yet sent by this cell run, as an output of <paramref name="cell"/>, and empties its previous copy.</summary>
    public void Send(CellScope cell, IReadOnlyList<SharedAsset> assets)
    {
        foreach (var asset in assets)
        {
            Copy? previous;
            var copy = new Copy($"videolab-{asset.Key}-{Guid.NewGuid():N}", asset, cell);
            lock (_gate)
            {
                if (_copies.TryGetValue(asset.Key, out previous) && previous.Cell == cell) continue;
                _copies[asset.Key] = copy;
            }
            cell.Output.Display(new MimeBundle(new Dictionary<string, string> { [MimeBundle.Html] = asset.Html(), [MimeBundle.PlainText] = "" }), copy.DisplayId);
            // A page opened since (a reload) does not know the previous copy's display id: it keeps that copy.
            if (previous is not null && previous.Cell.Request.ClientSession == cell.Request.ClientSession)
                cell.Output.UpdateDisplay(MimeBundle.Text(""), previous.DisplayId);
        }
    }
}
