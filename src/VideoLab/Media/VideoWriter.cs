using FFMpegCore;
using FFMpegCore.Pipes;
using VideoLab.Modules;
using static TorchSharp.torch;

namespace VideoLab.Media;

/// <summary>
/// Writes clips to video files with ffmpeg: MP4 (H.264, yuv420p, sizes padded to even numbers so every player
/// opens it) and GIF (a palette computed from the clip itself). Accepts a clip <c>(T, C, H, W)</c> or a batch
/// <c>(B, T, C, H, W)</c>, which is tiled into a grid; C = 1 (gray) or 3 (RGB), values in [0, 1] (clamped).
/// Frames go to ffmpeg through a pipe (FFMpegCore's <see cref="RawVideoPipeSource"/>).
/// </summary>
public static class VideoWriter
{
    /// <summary>Writes an H.264 MP4.</summary>
    /// <param name="clip"><c>(T, C, H, W)</c> or <c>(B, T, C, H, W)</c>.</param>
    /// <param name="path">Output file (overwritten).</param>
    /// <param name="fps">Frames per second.</param>
    /// <param name="scale">Integer upscaling with nearest-neighbour pixels (64×64 frames are small on screen).</param>
    /// <param name="tools">ffmpeg to use; found from the environment when null.</param>
    public static void WriteMp4(Tensor clip, string path, int fps = 8, int scale = 1, FFmpegBinaries? tools = null) =>
        Write(clip, path, fps, scale, tools,
              $"-vf \"{Upscale(scale)}pad=ceil(iw/2)*2:ceil(ih/2)*2\" -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p -movflags +faststart -f mp4");

    /// <summary>Writes a looping GIF with a palette made for this clip.</summary>
    /// <inheritdoc cref="WriteMp4"/>
    public static void WriteGif(Tensor clip, string path, int fps = 8, int scale = 1, FFmpegBinaries? tools = null) =>
        Write(clip, path, fps, scale, tools,
              $"-vf \"{Upscale(scale)}split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=none\" -loop 0 -f gif");

    /// <summary>A batch <c>(B, T, C, H, W)</c> as one clip <c>(T, C, H', W')</c>: a grid of <paramref name="columns"/> clips separated by <paramref name="gap"/> black pixels.</summary>
    public static Tensor Tile(Tensor batch, int? columns = null, int gap = 2)
    {
        VideoShape.Check(batch, "VideoWriter.Tile");
        long b = batch.shape[0], t = batch.shape[1], c = batch.shape[2], h = batch.shape[3], w = batch.shape[4];
        int cols = columns ?? (int)Math.Ceiling(Math.Sqrt(b)), rows = (int)((b + cols - 1) / cols);
        var grid = zeros([t, c, rows * h + (rows - 1) * gap, cols * w + (cols - 1) * gap]);  // (T, C, H', W')
        for (int i = 0; i < b; i++)
        {
            long y = i / cols * (h + gap), x = i % cols * (w + gap);
            grid[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(y, y + h), TensorIndex.Slice(x, x + w)] = batch[i];
        }
        return grid;
    }

    static string Upscale(int scale) => scale switch
    {
        < 1 => throw new ArgumentOutOfRangeException(nameof(scale), $"Scale must be at least 1; got {scale}."),
        1 => "",
        _ => $"scale=iw*{scale}:ih*{scale}:flags=neighbor,",
    };

    static void Write(Tensor clip, string path, int fps, int scale, FFmpegBinaries? tools, string outputArguments)
    {
        if (fps <= 0) throw new ArgumentOutOfRangeException(nameof(fps), $"Frames per second must be positive; got {fps}.");
        tools ??= FFmpegTools.Current;
        var (pixels, t, c, h, w) = ToBytes(clip);
        var frames = Enumerable.Range(0, t).Select(i => (IVideoFrame)new RawFrame(pixels, i * c * h * w, w, h, c == 1 ? "gray" : "rgb24"));
        var source = new RawVideoPipeSource(frames) { FrameRate = fps };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        try
        {
            FFMpegArguments.FromPipeInput(source)
                .OutputToFile(path, overwrite: true, o => o.WithCustomArgument(outputArguments))
                .ProcessSynchronously(throwOnError: true, tools.MpegOptions);
        }
        catch (Exception e) when (e is not FFmpegNotFoundException)
        {
            throw new IOException($"{path}: ffmpeg could not write the {t}-frame {w}×{h} clip ({VideoProbe.FirstLine(e.Message)}).", e);
        }
    }

    /// <summary>(T, C, H, W) or (B, T, C, H, W) in [0, 1] → uint8 bytes (T, H, W, C).</summary>
    internal static (byte[] Pixels, int Frames, int Channels, int Height, int Width) ToBytes(Tensor clip)
    {
        using var scope = NewDisposeScope();
        if (clip.dim() == 5) clip = Tile(clip.detach().cpu().to_type(ScalarType.Float32));
        if (clip.dim() != 4 || clip.shape[1] is not (1 or 3))
            throw new ArgumentException($"Expected a clip (T, C, H, W) or a batch (B, T, C, H, W) with C = 1 or 3, got {VideoShape.Format(clip.shape)}.");
        var bytes = clip.detach().cpu().to_type(ScalarType.Float32).clamp(0, 1).mul(255).round()
                        .to_type(ScalarType.Byte).permute(0, 2, 3, 1).contiguous();  // (T, H, W, C)
        var s = bytes.shape;
        return (bytes.data<byte>().ToArray(), (int)s[0], (int)s[3], (int)s[1], (int)s[2]);
    }

    /// <summary>One frame of the clip's byte buffer, as FFMpegCore's pipe source wants it.</summary>
    sealed class RawFrame(byte[] pixels, int offset, int width, int height, string format) : IVideoFrame
    {
        public int Width => width;
        public int Height => height;
        public string PixelFormat => format;
        int Length => width * height * (format == "gray" ? 1 : 3);
        public void Serialize(Stream pipe) => pipe.Write(pixels, offset, Length);
        public Task SerializeAsync(Stream pipe, CancellationToken token) => pipe.WriteAsync(pixels, offset, Length, token);
    }
}
