namespace VideoLab.Data;

/// <summary>
/// A data file is missing, truncated or not in the expected format. The message names the file, what was
/// expected and what was found, and <see cref="FilePath"/> holds the file for callers that list bad files.
/// </summary>
public class DataFileException(string filePath, string message, Exception? inner = null)
    : IOException($"{filePath}: {message}", inner)
{
    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; } = filePath;

    /// <summary>Throws a <see cref="DataFileException"/> if <paramref name="path"/> does not exist or is empty.</summary>
    /// <param name="path">The file to check.</param>
    /// <param name="what">What the file should be, for the message (e.g. "an IDX image file").</param>
    public static void ThrowIfMissingOrEmpty(string path, string what)
    {
        if (Directory.Exists(path))
            throw new DataFileException(path, $"is a folder; expected {what}.");
        if (!File.Exists(path))
            throw new DataFileException(path, $"file not found; expected {what}. Check the path, or see data/README.md for how to get the data.",
                                        new FileNotFoundException(null, path));
        if (new FileInfo(path).Length == 0)
            throw new DataFileException(path, $"the file is empty (0 bytes); expected {what}. Download or copy it again.");
    }
}
