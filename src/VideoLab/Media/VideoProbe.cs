using FFMpegCore;
using VideoLab.Data;

namespace VideoLab.Media;

/// <summary>What ffprobe says about a video file's first video stream.</summary>
/// <param name="Path">The file.</param>
/// <param name="Container">Container format, e.g. <c>mov,mp4,m4a,3gp,3g2,mj2</c>.</param>
/// <param name="Codec">Video codec, e.g. <c>h264</c>.</param>
/// <param name="PixelFormat">Pixel format, e.g. <c>yuv420p</c>.</param>
/// <param name="Width">Frame width as displayed (after rotation metadata).</param>
/// <param name="Height">Frame height as displayed.</param>
/// <param name="Fps">Average frame rate.</param>
/// <param name="Duration">Duration of the file.</param>
/// <param name="Frames">Number of frames (video packets counted by ffprobe, or duration × fps when that fails).</param>
public sealed record VideoInfo(string Path, string Container, string Codec, string PixelFormat, int Width, int Height,
                               double Fps, TimeSpan Duration, int Frames);

/// <summary>Probes video files with ffprobe (through FFMpegCore).</summary>
public static class VideoProbe
{
    /// <summary>The file extensions VideoLab treats as videos.</summary>
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { ".mp4", ".avi", ".mkv", ".webm", ".gif", ".mov", ".m4v" };

    internal const string VideoFile = "a video file ffmpeg can read (mp4, avi, mkv, webm, gif)";

    // Probing runs ffprobe twice; a folder dataset opened for train and validation, or again in a notebook, asks once.
    static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Path, long Length, DateTime Written), VideoInfo> Cache = new();

    /// <summary>Probes <paramref name="path"/> (remembered per path, size and modification time).</summary>
    /// <exception cref="DataFileException">Missing, empty, unreadable, or without a video stream.</exception>
    /// <exception cref="FFmpegNotFoundException">ffprobe is not installed.</exception>
    public static VideoInfo Probe(string path, FFmpegBinaries? tools = null)
    {
        DataFileException.ThrowIfMissingOrEmpty(path, VideoFile);
        tools ??= FFmpegTools.Current;
        var file = new FileInfo(path);
        var key = (file.FullName, file.Length, file.LastWriteTimeUtc);
        if (Cache.TryGetValue(key, out var known)) return known with { Path = path };
        var info = ProbeFile(path, tools);
        Cache[key] = info;
        return info;
    }

    static VideoInfo ProbeFile(string path, FFmpegBinaries tools)
    {
        IMediaAnalysis analysis;
        try { analysis = FFProbe.Analyse(path, tools.ProbeOptions); }
        catch (Exception e) when (e is not FFmpegNotFoundException)
        {
            throw new DataFileException(path, $"ffprobe cannot read it ({FirstLine(e.Message)}); expected {VideoFile}.", e);
        }
        var video = analysis.PrimaryVideoStream ?? throw new DataFileException(path,
            $"holds no video stream (streams: {string.Join(", ", analysis.AudioStreams.Select(s => "audio " + s.CodecName).DefaultIfEmpty("none"))}); expected {VideoFile}.");
        double fps = video.AverageFrameRate is > 0 and < 1000 ? video.AverageFrameRate : video.RealFrameRate;
        int width = video.Width ?? 0, height = video.Height ?? 0;
        var duration = analysis.Duration > TimeSpan.Zero ? analysis.Duration : video.Duration;
        bool rotated = Math.Abs(video.Rotation) % 180 == 90;
        int frames = CountFrames(path, video.Index, tools) ?? (int)Math.Round(duration.TotalSeconds * fps);
        if (frames <= 0 || width <= 0 || height <= 0 || !double.IsFinite(fps) || fps <= 0)
            throw new DataFileException(path, $"its video stream has {frames} frames of {width}×{height} at {fps} fps; expected {VideoFile} with at least one frame.");
        return new VideoInfo(path, analysis.Format.FormatName ?? "?", video.CodecName ?? "?", video.PixelFormat ?? "?",
                             rotated ? height : width, rotated ? width : height, fps, duration, frames);
    }

    /// <summary>Video packets of the stream (one per frame for the formats VideoLab reads); null if ffprobe cannot list them.</summary>
    static int? CountFrames(string path, int stream, FFmpegBinaries tools)
    {
        try
        {
            var packets = FFProbe.GetPackets(path, tools.ProbeOptions, $"-select_streams {stream}").Packets;
            return packets?.Count(p => p.StreamIndex == stream);
        }
        catch (Exception e) when (e is not FFmpegNotFoundException) { return null; }
    }

    internal static string FirstLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // ffmpeg's own error is usually the last line of what it printed; keep messages short.
        return lines.Length == 0 ? "no message" : lines.Length == 1 ? lines[0] : $"{lines[0]} … {lines[^1]}";
    }
}
