using Plotly.NET;
using VideoLab.Display;

namespace VideoLab.Notebooks.Display;

/// <summary>
/// How values are shown in a notebook: a registry of formatters by type and MIME type.
/// Every value gets <c>text/plain</c>; a registered formatter adds a richer representation.
/// </summary>
/// <remarks>
/// Built in: <see cref="IHtmlView"/> (the library's charts, frame grids, animations) and Plotly.NET
/// charts as <c>text/html</c> (charts also as a one-line <c>text/plain</c> description); <c>torch.Tensor</c>
/// as a short <c>text/plain</c> summary.
/// Library or notebook code may add its own with <see cref="Register{T}"/>; the latest registration
/// that matches a value's type wins.
/// </remarks>
public sealed class Formatters
{
    sealed record Entry(Type Type, string MimeType, Func<object, HtmlAssets, string> Format);

    readonly List<Entry> _entries = [];
    readonly Lock _gate = new();

    /// <summary>The registry the engine uses unless it is given another.</summary>
    public static Formatters Default { get; } = WithBuiltIns();

    /// <summary>A registry holding the built-in formatters only.</summary>
    public static Formatters WithBuiltIns()
    {
        var formatters = new Formatters();
        formatters.Register<GenericChart>(MimeBundle.Html, PlotlyHtml.Chart);
        formatters.Register<GenericChart>(MimeBundle.PlainText, (chart, _) => VideoLab.Plots.ChartText.Describe(chart));
        formatters.Register<IHtmlView>(MimeBundle.Html, (view, assets) => view.ToHtml(assets));
        formatters.Register<TorchSharp.torch.Tensor>(MimeBundle.PlainText, (tensor, _) => TensorText.Summary(tensor));
        return formatters;
    }

    /// <summary>Shows values of type <typeparamref name="T"/> (and subtypes) as <paramref name="mimeType"/>.</summary>
    /// <param name="mimeType">The representation it produces (<c>text/html</c>, <c>text/plain</c>, …).</param>
    /// <param name="format">Renders the value; HTML that needs a script asks <see cref="HtmlAssets"/> for it.</param>
    public void Register<T>(string mimeType, Func<T, HtmlAssets, string> format)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mimeType);
        ArgumentNullException.ThrowIfNull(format);
        lock (_gate) _entries.Add(new Entry(typeof(T), mimeType, (value, assets) => format((T)value, assets)));
    }

    /// <summary>Renders <paramref name="value"/>: every matching MIME type once (latest registration first), plus <c>text/plain</c>.</summary>
    public MimeBundle Format(object? value, HtmlAssets assets)
    {
        var data = new Dictionary<string, string>();
        if (value is null)
        {
            data[MimeBundle.PlainText] = "null";
            return new MimeBundle(data);
        }
        Entry[] entries;
        lock (_gate) entries = [.. _entries];
        for (int i = entries.Length - 1; i >= 0; i--)
        {
            var entry = entries[i];
            if (!data.ContainsKey(entry.MimeType) && entry.Type.IsInstanceOfType(value))
                data[entry.MimeType] = entry.Format(value, assets);
        }
        if (!data.ContainsKey(MimeBundle.PlainText))
            data[MimeBundle.PlainText] = value.ToString() ?? value.GetType().Name;
        return new MimeBundle(data);
    }
}
