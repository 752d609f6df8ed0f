using FFMpegCore;

namespace VideoLab.Media;

/// <summary>The ffmpeg and ffprobe executables VideoLab runs, and the FFMpegCore options that point at them.</summary>
/// <param name="FFmpeg">Full path of ffmpeg.</param>
/// <param name="FFprobe">Full path of ffprobe.</param>
public sealed record FFmpegBinaries(string FFmpeg, string FFprobe)
{
    /// <summary>FFMpegCore options for running ffmpeg.</summary>
    public FFOptions MpegOptions => new() { BinaryFolder = Path.GetDirectoryName(FFmpeg)! };

    /// <summary>FFMpegCore options for running ffprobe.</summary>
    public FFOptions ProbeOptions => new() { BinaryFolder = Path.GetDirectoryName(FFprobe)! };
}

/// <summary>ffmpeg or ffprobe cannot be found; the message says where it looked and how to install it.</summary>
public sealed class FFmpegNotFoundException(string message) : FileNotFoundException(message);

/// <summary>
/// Finds ffmpeg and ffprobe before anything runs them, so a missing install is one clear error instead of a
/// process-start failure deep inside FFMpegCore (which also silently falls back to PATH when a configured
/// folder lacks the executables). Looks in <see cref="FolderVariable"/> if set, otherwise on PATH.
/// </summary>
public static class FFmpegTools
{
    /// <summary>Environment variable naming a folder that holds ffmpeg and ffprobe (overrides PATH).</summary>
    public const string FolderVariable = "VIDEOLAB_FFMPEG_DIR";

    const string Install = "Install ffmpeg (Debian/Ubuntu: `sudo apt-get install ffmpeg`; macOS: `brew install ffmpeg`; " +
                           "Windows: `winget install ffmpeg`)";

    static readonly Lazy<FFmpegBinaries> Default = new(() => Find());

    /// <summary>The executables found from the environment (cached after the first successful look-up).</summary>
    public static FFmpegBinaries Current => Default.Value;

    /// <summary>Finds ffmpeg and ffprobe in <paramref name="folder"/>, or on <paramref name="searchPath"/>.</summary>
    /// <param name="folder">A folder holding both executables; null for <see cref="FolderVariable"/>, then PATH.</param>
    /// <param name="searchPath">The PATH to search (the process's PATH when null).</param>
    /// <exception cref="FFmpegNotFoundException">Either executable is missing.</exception>
    public static FFmpegBinaries Find(string? folder = null, string? searchPath = null)
    {
        folder ??= Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } v ? v : null;
        if (folder is not null)
        {
            string InFolder(string name) => Executable(folder, name) ?? throw new FFmpegNotFoundException(
                $"{name} not found in {folder} (set by {FolderVariable} or the caller); expected the {name} executable there. " +
                $"{Install}, or point {FolderVariable} at the folder that holds ffmpeg and ffprobe.");
            return new FFmpegBinaries(InFolder("ffmpeg"), InFolder("ffprobe"));
        }
        searchPath ??= Environment.GetEnvironmentVariable("PATH") ?? "";
        string OnPath(string name) => searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                                          .Select(dir => Executable(dir, name)).FirstOrDefault(p => p is not null)
                                      ?? throw new FFmpegNotFoundException(
                                          $"{name} not found on PATH ({(searchPath.Length == 0 ? "empty" : searchPath)}); VideoLab reads and writes " +
                                          $"video files with ffmpeg and ffprobe. {Install}, or set {FolderVariable} to the folder that holds them.");
        return new FFmpegBinaries(OnPath("ffmpeg"), OnPath("ffprobe"));
    }

    static string? Executable(string folder, string name)
    {
        var file = Path.Combine(folder, OperatingSystem.IsWindows() ? name + ".exe" : name);
        return File.Exists(file) ? Path.GetFullPath(file) : null;
    }
}
