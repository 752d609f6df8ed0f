namespace VideoLab.Training;

/// <summary>
/// Writes a file so that readers only ever see the old or the new complete version: the bytes go to a
/// temporary file beside it, are flushed to disk, and the temporary file is renamed over the target
/// (rename is atomic on one file system). A crash or kill at any moment leaves the previous file valid
/// and at worst a stray <c>*.tmp-*</c> file, which readers ignore.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>; on any exception the target is untouched.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $"{Path.GetFileName(path)}.tmp-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }
}
