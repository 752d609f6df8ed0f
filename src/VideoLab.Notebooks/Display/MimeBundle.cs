namespace VideoLab.Notebooks.Display;

/// <summary>
/// One value rendered for display: MIME type → text (<c>text/plain</c>, <c>text/html</c>, …), the
/// <c>data</c> of a Jupyter <c>display_data</c> / <c>execute_result</c> message.
/// </summary>
public sealed class MimeBundle(IReadOnlyDictionary<string, string> data)
{
    public const string PlainText = "text/plain";
    public const string Html = "text/html";

    /// <summary>The representations, MIME type → content.</summary>
    public IReadOnlyDictionary<string, string> Data { get; } = data;

    /// <summary>A bundle holding only <c>text/plain</c>.</summary>
    public static MimeBundle Text(string text) => new(new Dictionary<string, string> { [PlainText] = text });

    public string? this[string mimeType] => Data.TryGetValue(mimeType, out var value) ? value : null;

    public override string ToString() => this[PlainText] ?? string.Join(", ", Data.Keys);
}
