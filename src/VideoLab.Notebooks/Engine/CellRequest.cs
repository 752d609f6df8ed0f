namespace VideoLab.Notebooks.Engine;

/// <summary>Where a cell's run comes from and how it counts, as far as the front-end says.</summary>
public sealed record CellRequest
{
    /// <summary>The front-end's id of the cell, when it sends one (JupyterLab, VS Code, the headless runner): tells a re-run of the same cell apart.</summary>
    public string? CellId { get; init; }

    /// <summary>
    /// The front-end's own session (Jupyter's <c>header.session</c>: one per opened page). Outputs shown to an
    /// earlier session cannot be replaced any more: a reloaded page does not know their display ids.
    /// </summary>
    public string? ClientSession { get; init; }

    /// <summary>False for Jupyter's <c>store_history=False</c> and <c>silent</c> runs: no execution count is taken and nothing enters the history.</summary>
    public bool StoreHistory { get; init; } = true;

    /// <summary>Asks the user for a line (Jupyter's <c>input_request</c>) when the cell reads the console; null when the front-end cannot answer.</summary>
    public Func<InputPrompt, CancellationToken, string>? Input { get; init; }
}

/// <summary>What the user is asked: the prompt (the text the cell wrote on the current line) and whether to hide the answer.</summary>
public sealed record InputPrompt(string Prompt, bool Password);
