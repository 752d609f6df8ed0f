using static TorchSharp.torch;

namespace VideoLab.Interop;

/// <summary>The two weight formats VideoLab exchanges with PyTorch.</summary>
public enum WeightFormat
{
    /// <summary>Hugging Face's safetensors (<c>.safetensors</c>): no code runs on load; VideoLab stores its config in the metadata.</summary>
    Safetensors,
    /// <summary>A <c>torch.save</c> state_dict (<c>.pth</c>/<c>.pt</c>), as <c>torch.load</c> reads it.</summary>
    PyTorch,
}

/// <summary>
/// Reads a weight file of either format, told apart by content rather than extension, within a memory budget.
/// </summary>
public static class WeightFiles
{
    /// <summary>
    /// The default budget: half the memory .NET sees as available (at most 16 GB), so a file that would not fit is
    /// refused with a message instead of being read until the process dies.
    /// </summary>
    public static long DefaultBudgetBytes =>
        Math.Min(16L << 30, Math.Max(1L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2));

    /// <summary>Reads every tensor of <paramref name="path"/> (CPU, the file's element types).</summary>
    /// <exception cref="WeightFileException">Unreadable, not a weight file, or more than <paramref name="budgetBytes"/>.</exception>
    public static StateDict Read(string path, long? budgetBytes = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No weight file at {path}.", path);
        var start = new byte[16];
        long length;
        using (var file = File.OpenHandle(path))
        {
            length = RandomAccess.GetLength(file);
            RandomAccess.Read(file, start, 0);
        }
        long budget = budgetBytes ?? DefaultBudgetBytes;
        if (SafetensorsFile.Looks(start, length)) return SafetensorsFile.Read(path, budget);
        if (length == 0) throw new WeightFileException(path, "is empty.");
        return TorchPickleFile.Read(path, budget);
    }

    /// <summary>Writes <paramref name="tensors"/> in <paramref name="format"/> (metadata only goes into safetensors files).</summary>
    public static void Write(string path, WeightFormat format, IEnumerable<KeyValuePair<string, Tensor>> tensors,
                             IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (format == WeightFormat.Safetensors) SafetensorsFile.Write(path, tensors, metadata);
        else TorchPickleFile.Write(path, tensors);
    }

    /// <summary>Throws when <paramref name="bytes"/> of tensors exceed the budget, naming both and how to raise it.</summary>
    internal static void CheckBudget(string path, long bytes, long budgetBytes)
    {
        if (bytes > budgetBytes)
            throw new WeightFileException(path, $"holds {bytes / 1e6:N0} MB of tensors, more than the memory budget of {budgetBytes / 1e6:N0} MB. " +
                                                "Free memory or raise the budget (videolab import --memory-budget GB).");
    }
}
