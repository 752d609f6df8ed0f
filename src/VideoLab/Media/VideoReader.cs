using System.Globalization;
using FFMpegCore;
using FFMpegCore.Pipes;
using VideoLab.Data;
using static TorchSharp.torch;

namespace VideoLab.Media;

/// <summary>Which frames to decode and how to shape them.</summary>
/// <param name="Start">First frame (0-based).</param>
/// <param name="Frames">Frames to return; null for every frame from <paramref name="Start"/> to the end.</param>
/// <param name="Stride">Take every n-th frame (1 = consecutive frames).</param>
/// <param name="Height">Output height; with <paramref name="Width"/>, frames are scaled to cover H×W and centre-cropped. Null keeps the size.</param>
/// <param name="Width">Output width.</param>
/// <param name="Grayscale">One channel (luma) instead of RGB.</param>
public sealed record DecodeOptions(int Start = 0, int? Frames = null, int Stride = 1, int? Height = null, int? Width = null,
                                   bool Grayscale = false);

/// <summary>
/// Decodes video frames with ffmpeg straight into memory: ffmpeg seeks, drops frames for the stride, scales,
/// crops and converts to planar RGB (<c>gbrp</c>) or <c>gray</c>, and writes raw frames to a pipe (FFMpegCore's
/// <see cref="StreamPipeSink"/>) that is read into one buffer; no temporary files. Planar output is already
/// channel-first, so a clip needs no transpose (a strided copy that cost more than the decoding itself).
/// </summary>
public static class VideoReader
{
    /// <summary>Frames of <paramref name="video"/> as a clip <c>(T, C, H, W)</c>, float32 in [0, 1], C = 3 (RGB) or 1.</summary>
    /// <exception cref="DataFileException">The file cannot be decoded or has fewer frames than asked for.</exception>
    public static Tensor ReadClip(VideoInfo video, DecodeOptions options, FFmpegBinaries? tools = null)
    {
        var (pixels, frames, c, h, w) = Decode(video, options, tools);
        using var scope = NewDisposeScope();
        var bytes = tensor(pixels, [frames, c, h, w]);              // (T, C, H, W) uint8
        return bytes.to_type(ScalarType.Float32).div_(255f).MoveToOuterDisposeScope();  // (T, C, H, W) in [0, 1]
    }

    /// <summary>Every frame of the file at its own size, <c>(T, 3, H, W)</c> (or 1 channel).</summary>
    public static Tensor ReadAll(string path, bool grayscale = false, FFmpegBinaries? tools = null) =>
        ReadClip(VideoProbe.Probe(path, tools), new DecodeOptions(Grayscale: grayscale), tools);

    /// <summary>The raw decoded bytes, <c>(T, C, H, W)</c> row-major uint8, channels in RGB order.</summary>
    public static (byte[] Pixels, int Frames, int Channels, int Height, int Width) Decode(VideoInfo video, DecodeOptions options, FFmpegBinaries? tools = null)
    {
        tools ??= FFmpegTools.Current;
        if (options.Stride < 1) throw new ArgumentOutOfRangeException(nameof(options), $"Stride must be at least 1; got {options.Stride}.");
        if ((options.Height is null) != (options.Width is null))
            throw new ArgumentException($"Give both Height and Width to resize, or neither; got {options.Height}×{options.Width}.");
        int c = options.Grayscale ? 1 : 3, h = options.Height ?? video.Height, w = options.Width ?? video.Width;
        int available = video.Frames - options.Start, frames = options.Frames ?? (available + options.Stride - 1) / options.Stride;
        int span = (frames - 1) * options.Stride + 1;
        if (options.Start < 0 || frames <= 0 || span > available)
            throw new DataFileException(video.Path, $"has {video.Frames} frames; a clip of {frames} frames with stride {options.Stride} " +
                                                    $"starting at frame {options.Start} needs {options.Start + span}. Use a shorter clip, a smaller stride, or skip this video.");

        int frameBytes = c * h * w;
        var pixels = new byte[(long)frames * frameBytes];
        int received = 0;
        var sink = new StreamPipeSink(async (pipe, token) =>
        {
            received = await pipe.ReadAtLeastAsync(pixels, pixels.Length, throwOnEndOfStream: false, token);
            await pipe.CopyToAsync(Stream.Null, token);  // never leave ffmpeg blocked on a full pipe
        });

        var filters = new List<string>();
        if (options.Stride > 1) filters.Add($"select=not(mod(n\\,{options.Stride}))");
        if (options.Height is not null) filters.Add($"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h}");
        // Seek a quarter frame early: ffmpeg keeps the frames at or after the seek time, so frame Start is the first kept.
        double seek = Math.Max(0, (options.Start - 0.25) / video.Fps);
        try
        {
            FFMpegArguments
                .FromFileInput(video.Path, verifyExists: true, o =>
                {
                    if (options.Start > 0) o.WithCustomArgument($"-ss {seek.ToString("0.######", CultureInfo.InvariantCulture)}");
                })
                .OutputToPipe(sink, o =>
                {
                    o.WithCustomArgument("-an -sn -dn -fps_mode passthrough");
                    if (filters.Count > 0) o.WithCustomArgument($"-vf \"{string.Join(',', filters)}\"");
                    o.WithCustomArgument($"-frames:v {frames} -pix_fmt {(options.Grayscale ? "gray" : "gbrp")}");
                    o.ForceFormat("rawvideo");
                })
                .ProcessSynchronously(throwOnError: true, tools.MpegOptions);
        }
        catch (Exception e) when (e is not FFmpegNotFoundException and not DataFileException)
        {
            throw new DataFileException(video.Path, $"ffmpeg cannot decode it ({VideoProbe.FirstLine(e.Message)}); expected {VideoProbe.VideoFile}.", e);
        }
        int decoded = received / frameBytes;
        if (decoded < frames)
            throw new DataFileException(video.Path, $"decoded only {decoded} of the {frames} frames asked for (start {options.Start}, stride {options.Stride}); " +
                                                    $"ffprobe counted {video.Frames} frames. The file may be damaged or have a variable frame rate.");
        if (c == 3) GbrToRgb(pixels, frames, h * w);
        return (pixels, frames, c, h, w);
    }

    /// <summary>Reorders each frame's planes from ffmpeg's G, B, R to R, G, B, in place.</summary>
    static void GbrToRgb(byte[] pixels, int frames, int plane)
    {
        var red = new byte[plane];
        for (int f = 0; f < frames; f++)
        {
            var frame = pixels.AsSpan(f * 3 * plane, 3 * plane);
            frame.Slice(2 * plane, plane).CopyTo(red);
            frame.Slice(plane, plane).CopyTo(frame.Slice(2 * plane, plane));  // B to the third plane
            frame[..plane].CopyTo(frame.Slice(plane, plane));                  // G to the second
            red.CopyTo(frame[..plane]);                                        // R first
        }
    }
}
