using System.Text;
using VideoLab.Notebooks.Display;
using VideoLab.Notebooks.Scripting;

namespace VideoLab.Notebooks.Engine;

/// <summary>
/// The cell that is running: where its console text and displays go. Code running on behalf of a cell
/// finds it through <see cref="Current"/> (an async-local, so tasks and threads the cell starts inherit it;
/// threads that do not carry the execution context fall back to the cell running now).
/// </summary>
/// <remarks>
/// Console text is buffered and sent at most every <see cref="FlushInterval"/>, before any display
/// (to keep the order) and when the cell ends, so a loop printing many lines produces few messages.
/// Text written after the cell ended (by a background thread) is sent at once to the same cell.
/// </remarks>
sealed class CellScope : IDisposable
{
    static readonly AsyncLocal<CellScope?> Flowing = new();
    static volatile CellScope? _running;

    /// <summary>How long console text may wait before it is sent.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    readonly Lock _gate = new();
    readonly StringBuilder _stdout = new(), _stderr = new();
    readonly Timer _timer;
    readonly CellScope? _outer;
    bool _ended;

    public ICellOutput Output { get; }
    public NotebookSession Session { get; }
    public CancellationToken CancellationToken { get; }
    /// <summary>Which cell and page the run comes from.</summary>
    public CellRequest Request { get; }
    /// <summary>The cell's source.</summary>
    public string Code { get; }

    CellScope(ICellOutput output, NotebookSession session, CancellationToken cancellationToken, CellRequest request, string code)
    {
        Output = output;
        Session = session;
        CancellationToken = cancellationToken;
        Request = request;
        Code = code;
        _outer = Flowing.Value;
        _timer = new Timer(_ => Flush(), null, FlushInterval, FlushInterval);
    }

    /// <summary>The cell that code on this thread runs for, or null outside any cell.</summary>
    public static CellScope? Current => Flowing.Value ?? _running;

    /// <summary>Makes a cell current for this async flow (and for threads without one) until disposed.</summary>
    public static CellScope Enter(ICellOutput output, NotebookSession session, CancellationToken cancellationToken, CellRequest? request = null, string code = "")
    {
        var scope = new CellScope(output, session, cancellationToken, request ?? new CellRequest(), code);
        Flowing.Value = scope;
        _running = scope;
        session.Carrier.CellStarting(scope);
        return scope;
    }

    /// <summary>Whether <paramref name="other"/> runs the same notebook cell again: same cell id, or the same code when the front-end sends no id.</summary>
    public bool IsSameCellAs(CellScope other) =>
        Request.CellId is not null || other.Request.CellId is not null ? Request.CellId == other.Request.CellId : Code == other.Code && Code.Length > 0;

    /// <summary>Sends the large shared assets (plotly.js) that formatting asked for, before the output that needs them.</summary>
    public void SendSharedAssets() => Session.Carrier.Send(this, Session.Assets.TakePending());

    public void Write(string stream, string text)
    {
        if (text.Length == 0) return;
        bool immediate;
        lock (_gate)
        {
            (stream == "stderr" ? _stderr : _stdout).Append(text);
            immediate = _ended;
        }
        if (immediate) Flush();
    }

    /// <summary>Sends buffered console text (stdout first, as a terminal would interleave them at best).</summary>
    public void Flush()
    {
        string outText, errText;
        lock (_gate)
        {
            outText = _stdout.ToString(); _stdout.Clear();
            errText = _stderr.ToString(); _stderr.Clear();
            // Sending under the lock keeps chunks of one stream in order across threads.
            if (outText.Length > 0) Output.Stream("stdout", outText);
            if (errText.Length > 0) Output.Stream("stderr", errText);
        }
    }

    /// <summary>
    /// A line from the user, for <c>Console.ReadLine</c>: the text the cell wrote on the current line becomes the prompt.
    /// </summary>
    /// <exception cref="InvalidOperationException">The front-end cannot answer (the headless runner, nbconvert, <c>allow_stdin</c> false).</exception>
    public string ReadLine()
    {
        if (Request.Input is not { } input)
            throw new InvalidOperationException(
                "The cell reads the console (Console.ReadLine), but nothing can answer: this front-end does not send input " +
                "(allow_stdin is false; the headless runner and nbconvert never do). Set the value in the cell instead.");
        string prompt;
        lock (_gate)
        {
            var text = _stdout.ToString();
            var lineStart = text.LastIndexOf('\n') + 1;
            prompt = text[lineStart..];
            _stdout.Remove(lineStart, prompt.Length);
        }
        Flush();
        return input(new InputPrompt(prompt, Password: false), CancellationToken);
    }

    /// <summary>Shows a value as a new output; returns the handle that updates it.</summary>
    public DisplayHandle Display(object? value)
    {
        var handle = new DisplayHandle("display-" + Guid.NewGuid().ToString("N"), this);
        var bundle = Session.Format(value);
        Flush();
        SendSharedAssets();
        Output.Display(bundle, handle.DisplayId);
        return handle;
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush();
        lock (_gate) _ended = true;
        if (Flowing.Value == this) Flowing.Value = _outer;
        if (_running == this) _running = null;
    }
}

/// <summary>What stays the same across the cells of one notebook session: formatters and the shared HTML assets.</summary>
public sealed class NotebookSession(Formatters formatters)
{
    public Formatters Formatters { get; } = formatters;

    /// <summary>Assets views ask for: small ones inlined in each output, large ones (plotly.js) left for <see cref="Carrier"/>.</summary>
    public VideoLab.Display.HtmlAssets Assets { get; } = VideoLab.Display.HtmlAssets.ForNotebook();

    /// <summary>Keeps one copy of plotly.js in the notebook.</summary>
    internal SharedAssetCarrier Carrier { get; } = new();

    public MimeBundle Format(object? value) => Formatters.Format(value, Assets);
}
