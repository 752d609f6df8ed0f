using static TorchSharp.torch;

namespace VideoLab.Notebooks.Display;

/// <summary>A one-line description of a tensor: shape, dtype, device and its first few values.</summary>
public static class TensorText
{
    /// <summary>How many leading values to show.</summary>
    public const int ValuesShown = 6;

    public static string Summary(Tensor tensor)
    {
        if (tensor.IsInvalid) return "Tensor (disposed)";
        var shape = "[" + string.Join(", ", tensor.shape) + "]";
        using var scope = NewDisposeScope();
        var count = tensor.numel();
        var shown = Math.Min(count, ValuesShown);
        if (tensor.is_complex()) return $"Tensor {shape} {tensor.dtype} on {tensor.device}";
        var head = tensor.detach().flatten().slice(0, 0, shown, 1).to(CPU).to_type(ScalarType.Float64).data<double>().ToArray(); // (shown,)
        var values = string.Join(", ", head.Select(v => v.ToString("G5", System.Globalization.CultureInfo.InvariantCulture)));
        var more = count > shown ? $", … ({count} values)" : "";
        return $"Tensor {shape} {tensor.dtype} on {tensor.device}: [{values}{more}]";
    }
}
