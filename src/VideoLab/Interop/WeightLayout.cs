using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Interop;

/// <summary>A reversible change of one tensor's layout between two frameworks (for example reordered channels).</summary>
/// <param name="Why">What differs, for documentation and messages.</param>
/// <param name="ToOurs">Their tensor → VideoLab's (a new tensor).</param>
/// <param name="ToTheirs">VideoLab's tensor → theirs (a new tensor).</param>
public sealed record TensorTransform(string Why, Func<Tensor, Tensor> ToOurs, Func<Tensor, Tensor> ToTheirs);

/// <summary>One tensor: its VideoLab name, its name in the other framework, and the layout change between them (null: none).</summary>
public sealed record KeyPair(string Ours, string Theirs, TensorTransform? Transform = null);

/// <summary>A tensor the other framework stores but never uses in forward: dropped on import (absent is fine too), written as zeros on export.</summary>
public sealed record UnusedKey(string Theirs, long[] Shape, string Why);

/// <summary>
/// How a VideoLab model's state_dict corresponds to another framework's, key by key, for one config: the names, the
/// tensors whose layout changes, and the foreign tensors that have no counterpart because the foreign model never
/// uses them. Import and export run through it, so each architecture states its mapping once (the OpenStl* files).
/// </summary>
/// <param name="Description">The foreign model, for messages ("OpenSTL's ConvLSTM_Model").</param>
/// <param name="Pairs">Every VideoLab tensor with its foreign name.</param>
/// <param name="Unused">Foreign tensors without a VideoLab counterpart.</param>
public sealed record WeightLayout(string Description, IReadOnlyList<KeyPair> Pairs, IReadOnlyList<UnusedKey> Unused)
{
    /// <summary>
    /// The foreign tensors in VideoLab's names, ready for <see cref="WeightLoader.Load"/>. Missing, unexpected and
    /// mis-shaped foreign keys are all reported at once, in the foreign names, before anything is converted.
    /// </summary>
    public Dictionary<string, Tensor> ToOurs(StateDict theirs, nn.Module model)
    {
        var state = model.state_dict();
        var expected = Pairs.Select(p => p.Theirs).Concat(Unused.Select(u => u.Theirs)).ToHashSet(StringComparer.Ordinal);
        var missing = Pairs.Select(p => p.Theirs).Where(k => !theirs.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();  // unused ones may be absent
        var unexpected = theirs.Keys.Where(k => !expected.Contains(k)).ToList();
        var misshaped = Pairs.Where(p => theirs.ContainsKey(p.Theirs) && state.ContainsKey(p.Ours) && !theirs[p.Theirs].shape.SequenceEqual(state[p.Ours].shape))
                             .Select(p => $"{p.Theirs}: file {StateDict.Shape(theirs[p.Theirs].shape)} vs expected {StateDict.Shape(state[p.Ours].shape)}")
                             .Concat(Unused.Where(u => theirs.ContainsKey(u.Theirs) && !theirs[u.Theirs].shape.SequenceEqual(u.Shape))
                                           .Select(u => $"{u.Theirs}: file {StateDict.Shape(theirs[u.Theirs].shape)} vs expected {StateDict.Shape(u.Shape)}"))
                             .ToList();
        if (missing.Count + unexpected.Count + misshaped.Count > 0)
            throw new WeightMismatchException(theirs.Source, Description, missing, unexpected, misshaped);

        var ours = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var p in Pairs)
            ours[p.Ours] = p.Transform is null ? theirs[p.Theirs].alias() : p.Transform.ToOurs(theirs[p.Theirs]);
        return ours;
    }

    /// <summary>The model's tensors in the foreign names (unused foreign tensors as zeros), sorted by name.</summary>
    public List<KeyValuePair<string, Tensor>> ToTheirs(nn.Module model)
    {
        var state = model.state_dict();
        var missing = Pairs.Where(p => !state.ContainsKey(p.Ours)).Select(p => p.Ours).ToList();
        var unmapped = state.Keys.Where(k => Pairs.All(p => p.Ours != k)).ToList();
        if (missing.Count + unmapped.Count > 0)
            throw new InvalidOperationException($"The mapping to {Description} does not cover the model: " +
                                                $"missing {string.Join(", ", missing)}; unmapped {string.Join(", ", unmapped)}.");
        using var noGrad = torch.no_grad();
        var theirs = Pairs.Select(p => KeyValuePair.Create(p.Theirs, p.Transform is null ? state[p.Ours].detach().alias() : p.Transform.ToTheirs(state[p.Ours].detach())))
                          .Concat(Unused.Select(u => KeyValuePair.Create(u.Theirs, zeros(u.Shape))));
        return theirs.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
    }
}
