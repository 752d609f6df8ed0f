using VideoLab.Media;
using VideoLab.Tests.Data;
using static TorchSharp.torch;

namespace VideoLab.Tests.Media;

public class VideoWriterTests
{
    /// <summary>A smooth clip (T, 3, H, W): a horizontal gradient whose colour shifts per frame (codecs keep it well).</summary>
    static Tensor Gradient(int t, int h, int w)
    {
        var x = linspace(0, 1, w).view(1, 1, 1, w).expand(t, 1, h, w);
        var f = linspace(0, 1, t).view(t, 1, 1, 1).expand(t, 1, h, w);
        return cat([x, f, (1 - x) * 0.5], 1).contiguous();  // (T, 3, H, W)
    }

    [Fact]
    public void An_mp4_is_h264_yuv420p_with_even_sizes_and_every_frame()
    {
        using var dir = new TempFolder();
        using var clip = Gradient(6, 31, 33);
        VideoWriter.WriteMp4(clip, dir.File("clip.mp4"), fps: 8);
        var info = VideoProbe.Probe(dir.File("clip.mp4"));
        Assert.Equal("h264", info.Codec);
        Assert.Equal("yuv420p", info.PixelFormat);
        Assert.Equal((34, 32), (info.Width, info.Height));  // padded to even
        Assert.Equal(6, info.Frames);
        Assert.Equal(8.0, info.Fps, 3);
        using var back = VideoReader.ReadClip(info, new DecodeOptions());
        using var cropped = back[.., .., ..31, ..33];
        Assert.True((cropped - clip).abs().mean().item<float>() < 0.05f, "the decoded MP4 differs from the clip written");
    }

    [Fact]
    public void A_gif_loops_every_frame_and_can_be_upscaled()
    {
        using var dir = new TempFolder();
        using var clip = Gradient(5, 16, 20);
        VideoWriter.WriteGif(clip, dir.File("clip.gif"), fps: 5, scale: 2);
        var info = VideoProbe.Probe(dir.File("clip.gif"));
        Assert.Equal("gif", info.Codec);
        Assert.Equal((40, 32), (info.Width, info.Height));
        Assert.Equal(5, info.Frames);
        using var back = VideoReader.ReadClip(info, new DecodeOptions(Height: 16, Width: 20));
        Assert.True((back - clip).abs().mean().item<float>() < 0.06f, "the decoded GIF differs from the clip written");
    }

    [Fact]
    public void A_gray_batch_is_tiled_into_one_video()
    {
        using var dir = new TempFolder();
        using var batch = rand(new long[] { 3, 4, 1, 16, 16 }, generator: new Generator(7));  // (B, T, 1, H, W)
        using var grid = VideoWriter.Tile(batch, gap: 2);
        Assert.Equal(new long[] { 4, 1, 34, 34 }, grid.shape);  // 2×2 grid, the fourth cell black
        Assert.True(grid[.., .., 18.., 18..].eq(0).all().item<bool>());
        Assert.True(grid[.., .., ..16, 18..].eq(batch[1]).all().item<bool>());
        VideoWriter.WriteMp4(batch, dir.File("batch.mp4"));
        var info = VideoProbe.Probe(dir.File("batch.mp4"));
        Assert.Equal((34, 34, 4), (info.Width, info.Height, info.Frames));
    }

    [Fact]
    public void Bad_clips_are_refused_with_their_shape()
    {
        using var dir = new TempFolder();
        using var twoChannels = zeros(3, 2, 8, 8);
        var e = Assert.Throws<ArgumentException>(() => VideoWriter.WriteMp4(twoChannels, dir.File("x.mp4")));
        Assert.Contains("(3, 2, 8, 8)", e.Message);
    }
}
