namespace VideoLab.Interop;

/// <summary>Weights that cannot be read or loaded; the message says what was expected and what to do.</summary>
public abstract class WeightException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// A weight file VideoLab cannot read: truncated, corrupt, not a state_dict, an unsupported element type, or more
/// than the memory budget. The message names the file, what was expected and what to do.
/// </summary>
public sealed class WeightFileException(string path, string problem, Exception? inner = null)
    : WeightException($"{path}: {problem}", inner)
{
    public string Path { get; } = path;
}

/// <summary>
/// Weights whose names or shapes do not fit the model they are loaded into. Lists every missing, unexpected and
/// mis-shaped key (in the model's names), so one message shows the whole difference; nothing was loaded.
/// </summary>
public sealed class WeightMismatchException : WeightException
{
    public WeightMismatchException(string source, string target, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
                                   IReadOnlyList<string> misshaped)
        : base(Describe(source, target, missing, unexpected, misshaped), null)
    {
        Missing = missing;
        Unexpected = unexpected;
        Misshaped = misshaped;
    }

    /// <summary>Keys the model has and the file lacks.</summary>
    public IReadOnlyList<string> Missing { get; }
    /// <summary>Keys the file has and the model lacks.</summary>
    public IReadOnlyList<string> Unexpected { get; }
    /// <summary>Keys both have, with different shapes ("name: file [..] vs model [..]").</summary>
    public IReadOnlyList<string> Misshaped { get; }

    static string Describe(string source, string target, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misshaped)
    {
        static string List(string title, IReadOnlyList<string> keys) =>
            keys.Count == 0 ? "" : $"\n  {title} ({keys.Count}): {string.Join(", ", keys.Take(12))}{(keys.Count > 12 ? ", …" : "")}";
        return $"The weights of {source} do not fit {target}; nothing was loaded." +
               List("missing from the file", missing) + List("unexpected in the file", unexpected) + List("with other shapes", misshaped) +
               "\n  Check that the model and its config (sizes, layers, patch size, translator) are the ones the weights were trained with.";
    }
}

/// <summary>A model from another framework whose architecture differs from VideoLab's, so no renaming of its weights is exact.</summary>
public sealed class ArchitectureMismatchException(string message) : WeightException(message);
