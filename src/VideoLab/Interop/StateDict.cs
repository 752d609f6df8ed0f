using System.Collections;
using static TorchSharp.torch;

namespace VideoLab.Interop;

/// <summary>
/// Named CPU tensors in order, as a PyTorch <c>state_dict</c> or a safetensors file holds them, with where they came
/// from and the file's text metadata (safetensors' <c>__metadata__</c>). Owns its tensors: dispose it when done.
/// </summary>
public sealed class StateDict : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    readonly List<string> order = [];
    readonly Dictionary<string, Tensor> tensors = new(StringComparer.Ordinal);

    /// <param name="source">The file (or model) the tensors came from, for messages.</param>
    /// <param name="metadata">Text metadata stored with the tensors.</param>
    public StateDict(string source, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Source = source;
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    /// <summary>The file or model the tensors came from.</summary>
    public string Source { get; }

    /// <summary>Text metadata (safetensors' <c>__metadata__</c>; empty for PyTorch pickles).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>What reading changed, for the user: a stripped <c>model.</c> prefix, converted element types.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Adds (or replaces) <paramref name="name"/>; the dictionary owns <paramref name="tensor"/> from now on.</summary>
    public void Add(string name, Tensor tensor)
    {
        if (tensors.TryGetValue(name, out var old)) old.Dispose();
        else order.Add(name);
        tensors[name] = tensor;
    }

    /// <summary>Total bytes of the tensors.</summary>
    public long Bytes => tensors.Values.Sum(t => t.NumberOfElements * t.ElementSize);

    public Tensor this[string key] => tensors.TryGetValue(key, out var t) ? t
        : throw new KeyNotFoundException($"{Source} has no tensor '{key}'.");
    public IEnumerable<string> Keys => order;
    public IEnumerable<Tensor> Values => order.Select(k => tensors[k]);
    public int Count => order.Count;
    public bool ContainsKey(string key) => tensors.ContainsKey(key);
    public bool TryGetValue(string key, out Tensor value) => tensors.TryGetValue(key, out value!);
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => order.Select(k => KeyValuePair.Create(k, tensors[k])).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        foreach (var t in tensors.Values) t.Dispose();
        tensors.Clear();
        order.Clear();
    }

    /// <summary>"[2, 3, 4]" for messages.</summary>
    public static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";
}
