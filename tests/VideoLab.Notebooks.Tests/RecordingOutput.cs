using VideoLab.Notebooks.Display;
using VideoLab.Notebooks.Engine;

namespace VideoLab.Notebooks.Tests;

/// <summary>Collects what a cell sends, in order.</summary>
public sealed class RecordingOutput : ICellOutput
{
    public sealed record Item(string Kind, string Key, MimeBundle? Bundle, string Text);

    readonly List<Item> _items = [];

    public IReadOnlyList<Item> Items { get { lock (_items) return [.. _items]; } }

    public string Stdout => string.Concat(Items.Where(i => i is { Kind: "stream", Key: "stdout" }).Select(i => i.Text));
    public string Stderr => string.Concat(Items.Where(i => i is { Kind: "stream", Key: "stderr" }).Select(i => i.Text));

    public void Stream(string name, string text) { lock (_items) _items.Add(new Item("stream", name, null, text)); }
    public void Display(MimeBundle bundle, string displayId) { lock (_items) _items.Add(new Item("display", displayId, bundle, bundle.ToString())); }
    public void UpdateDisplay(MimeBundle bundle, string displayId) { lock (_items) _items.Add(new Item("update", displayId, bundle, bundle.ToString())); }
}
