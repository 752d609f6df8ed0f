using TorchSharp;
using static TorchSharp.torch;

namespace VideoLab.Interop;

/// <summary>
/// Copies named tensors into a module's parameters and buffers, all or nothing: names, shapes and element types are
/// checked for every key first (a <see cref="WeightMismatchException"/> lists all differences at once), and only then
/// is anything copied. Half-precision tensors (float16, bfloat16) are widened to the model's float32, which is exact;
/// float64 is rounded to float32. Integer or boolean values for a floating-point parameter are refused.
/// </summary>
public static class WeightLoader
{
    /// <summary>Loads <paramref name="tensors"/> (in the model's names) into <paramref name="model"/>; returns what was converted.</summary>
    /// <param name="model">The module, on any device.</param>
    /// <param name="tensors">Tensors by the model's state_dict names.</param>
    /// <param name="source">Where they come from, for messages (a file name).</param>
    public static IReadOnlyList<string> Load(nn.Module model, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var state = model.state_dict();
        string target = $"VideoLab's {model.GetName()}";
        var missing = state.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
        var unexpected = tensors.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var misshaped = state.Where(kv => tensors.TryGetValue(kv.Key, out var t) && !t.shape.SequenceEqual(kv.Value.shape))
                             .Select(kv => $"{kv.Key}: file {StateDict.Shape(tensors[kv.Key].shape)} vs model {StateDict.Shape(kv.Value.shape)}").ToList();
        if (missing.Count + unexpected.Count + misshaped.Count > 0)
            throw new WeightMismatchException(source, target, missing, unexpected, misshaped);

        var converted = new SortedDictionary<string, int>();
        foreach (var (name, into) in state)
        {
            var from = tensors[name].dtype;
            if (from == into.dtype) continue;
            bool widening = into.dtype == ScalarType.Float32 && from is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64;
            bool integer = into.dtype == ScalarType.Int64 && from is ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte;
            if (!widening && !integer)
                throw new WeightFileException(source, $"'{name}' holds {from} values where {target} keeps {into.dtype}; convert it in Python " +
                                                      "(state_dict[name].float()) and save again.");
            var key = $"{from} → {into.dtype}";
            converted[key] = converted.GetValueOrDefault(key) + 1;
        }

        using (torch.no_grad())
            foreach (var (name, into) in state)
                into.copy_(tensors[name]);
        return converted.Select(kv => $"converted {kv.Value} {kv.Key.Split(' ')[0]} tensor(s) to {kv.Key.Split(' ')[^1]}" +
                                      (kv.Key.StartsWith("Float64") ? " (rounded)" : kv.Key.StartsWith("Float") || kv.Key.StartsWith("BFloat") ? " (exact)" : ""))
                        .ToList();
    }
}
