using VideoLab.Data;
using VideoLab.Media;
using VideoLab.Tests.Data;
using static TorchSharp.torch;

namespace VideoLab.Tests.Media;

public class VideoReaderTests
{
    static float[] FrameMeans(Tensor clip) => clip.mean([1, 2, 3]).data<float>().ToArray();

    [Fact]
    public void Probe_reports_codec_size_rate_and_frame_count()
    {
        var info = VideoProbe.Probe(TestVideos.Ramp());
        Assert.Equal("h264", info.Codec);
        Assert.Equal((32, 32), (info.Width, info.Height));
        Assert.Equal(10.0, info.Fps, 3);
        Assert.Equal(12, info.Frames);
        Assert.Equal(1.2, info.Duration.TotalSeconds, 1);
        Assert.Contains("mp4", info.Container);
    }

    [Fact]
    public void Every_frame_decodes_in_order_as_rgb_in_the_unit_range()
    {
        using var clip = VideoReader.ReadAll(TestVideos.Ramp());
        Assert.Equal(new long[] { 12, 3, 32, 32 }, clip.shape);
        Assert.Equal(ScalarType.Float32, clip.dtype);
        Assert.True(clip.min().item<float>() >= 0f && clip.max().item<float>() <= 1f);
        var means = FrameMeans(clip);
        for (int f = 1; f < 12; f++) Assert.True(means[f] > means[f - 1] + 0.03f, $"frame {f} is not brighter than frame {f - 1}: {string.Join(", ", means)}");
    }

    [Fact]
    public void A_clip_with_a_start_and_a_stride_is_those_frames_of_the_full_decode()
    {
        var info = VideoProbe.Probe(TestVideos.Ramp());
        using var all = VideoReader.ReadAll(TestVideos.Ramp());
        using var clip = VideoReader.ReadClip(info, new DecodeOptions(Start: 3, Frames: 4, Stride: 2));
        Assert.Equal(new long[] { 4, 3, 32, 32 }, clip.shape);
        using var expected = all.index_select(0, tensor(new long[] { 3, 5, 7, 9 }));
        Assert.True(clip.allclose(expected, atol: 1e-6), "frames 3, 5, 7, 9 expected");
    }

    [Fact]
    public void A_known_colour_comes_back_and_resize_crop_and_grayscale_apply()
    {
        var info = VideoProbe.Probe(TestVideos.RedAvi);
        Assert.Equal("mpeg4", info.Codec);
        Assert.Equal(5, info.Frames);
        using var rgb = VideoReader.ReadClip(info, new DecodeOptions(Frames: 2, Height: 8, Width: 8));
        Assert.Equal(new long[] { 2, 3, 8, 8 }, rgb.shape);
        var pixel = rgb[1, TensorIndex.Colon, 4, 4].data<float>().ToArray();  // red, within the codec's error
        Assert.InRange(pixel[0], 0.9f, 1f);
        Assert.InRange(pixel[1], 0f, 0.1f);
        Assert.InRange(pixel[2], 0f, 0.1f);
        using var gray = VideoReader.ReadClip(info, new DecodeOptions(Frames: 2, Height: 8, Width: 6, Grayscale: true));
        Assert.Equal(new long[] { 2, 1, 8, 6 }, gray.shape);
        Assert.InRange(gray.mean().item<float>(), 0.2f, 0.4f);  // luma of red ≈ 0.3
    }

    [Theory]
    [InlineData("mkv", "ffv1")]
    [InlineData("webm", "vp9")]
    [InlineData("gif", "gif")]
    public void Other_containers_decode_to_the_same_frame_count(string extension, string codec)
    {
        var info = VideoProbe.Probe(TestVideos.Ramp(extension));
        Assert.Equal(codec, info.Codec);
        Assert.Equal(12, info.Frames);
        using var clip = VideoReader.ReadClip(info, new DecodeOptions(Start: 2, Frames: 5, Stride: 2, Height: 16, Width: 16));
        Assert.Equal(new long[] { 5, 3, 16, 16 }, clip.shape);
        var means = FrameMeans(clip);
        for (int f = 1; f < 5; f++) Assert.True(means[f] > means[f - 1], $"{extension}: frames out of order: {string.Join(", ", means)}");
    }

    [Fact]
    public void A_zero_length_video_is_reported_as_empty()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("empty.mp4"), []);
        var e = Assert.Throws<DataFileException>(() => VideoProbe.Probe(dir.File("empty.mp4")));
        Assert.Contains(dir.File("empty.mp4"), e.Message);
        Assert.Contains("empty", e.Message);
        Assert.Contains("expected a video", e.Message);
        var missing = Assert.Throws<DataFileException>(() => VideoProbe.Probe(dir.File("nope.mp4")));
        Assert.Contains("nope.mp4: file not found; expected a video file", missing.Message);
    }

    [Fact]
    public void A_corrupt_video_names_the_file_and_what_was_expected()
    {
        using var dir = new TempFolder();
        var path = dir.File("corrupt.mp4");
        File.WriteAllBytes(path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251)).ToArray());
        var e = Assert.Throws<DataFileException>(() => VideoProbe.Probe(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("expected a video file", e.Message);
    }

    [Fact]
    public void A_truncated_video_fails_naming_the_file()
    {
        using var dir = new TempFolder();
        var path = dir.File("cut.mp4");
        var whole = File.ReadAllBytes(TestVideos.Ramp());
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);
        // Depending on where the cut falls, ffprobe refuses the file or ffmpeg decodes fewer frames than counted.
        var e = Assert.Throws<DataFileException>(() => { using var _ = VideoReader.ReadAll(path); });
        Assert.Equal(path, e.FilePath);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_video_shorter_than_the_clip_says_how_many_frames_it_has_and_needs()
    {
        var info = VideoProbe.Probe(TestVideos.Ramp());
        var e = Assert.Throws<DataFileException>(() => VideoReader.ReadClip(info, new DecodeOptions(Start: 4, Frames: 5, Stride: 2)));
        Assert.Contains("ramp.mp4", e.Message);
        Assert.Contains("has 12 frames", e.Message);
        Assert.Contains("needs 13", e.Message);
    }

    [Fact]
    public void Missing_ffmpeg_is_one_clear_error()
    {
        using var dir = new TempFolder();
        var inFolder = Assert.Throws<FFmpegNotFoundException>(() => FFmpegTools.Find(folder: dir.Path));
        Assert.Contains(dir.Path, inFolder.Message);
        Assert.Contains("ffmpeg not found", inFolder.Message);
        Assert.Contains("apt-get install ffmpeg", inFolder.Message);
        var onPath = Assert.Throws<FFmpegNotFoundException>(() => FFmpegTools.Find(searchPath: dir.Path));
        Assert.Contains("not found on PATH", onPath.Message);
        // A folder with ffmpeg but no ffprobe names ffprobe.
        File.CreateSymbolicLink(Path.Combine(dir.Path, "ffmpeg"), "/usr/bin/ffmpeg");
        Assert.Contains("ffprobe not found", Assert.Throws<FFmpegNotFoundException>(() => FFmpegTools.Find(folder: dir.Path)).Message);
        Assert.Equal("/usr/bin/ffprobe", FFmpegTools.Find(searchPath: "/nonexistent:/usr/bin").FFprobe);
    }
}
