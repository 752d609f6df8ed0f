using System.Text.RegularExpressions;
using VideoLab.Data;
using VideoLab.Display;
using VideoLab.Plots;
using static TorchSharp.torch;

namespace VideoLab.Tests.Plots;

public class FrameViewTests
{
    static Tensor Clip(int frames = 20, long seed = 1) =>
        new BouncingShapes(new BouncingShapesConfig(Frames: frames, Size: 64, Count: 1, Seed: seed)).GetClip(0);  // (T, 3, 64, 64)

    [Fact]
    public void Frames_become_png_data_uris_with_the_frame_size_and_exact_pixels()
    {
        using var clip = Clip(frames: 3);
        var uris = FrameImages.DataUris(clip);
        Assert.Equal(3, uris.Length);
        var (w, h, type, pixels) = PngReader.Read(PngReader.FromDataUri(uris[2]));
        Assert.Equal((64, 64, 2), (w, h, type));
        using var expected = clip[2].mul(255).round().permute(1, 2, 0).contiguous().to(ScalarType.Byte);  // (H, W, C)
        Assert.Equal(expected.data<byte>().ToArray(), pixels);

        using var grey = full(new long[] { 1, 1, 4, 5 }, 0.5f);
        var (gw, gh, gtype, gpixels) = PngReader.Read(PngReader.FromDataUri(FrameImages.DataUris(grey)[0]));
        Assert.Equal((5, 4, 0), (gw, gh, gtype));
        Assert.All(gpixels, p => Assert.Equal(128, p));
    }

    [Fact]
    public void Batches_and_wrong_channel_counts_are_refused_with_the_shape()
    {
        using var batch = zeros(new long[] { 2, 3, 1, 8, 8 });
        var e = Assert.Throws<ArgumentException>(() => FrameImages.DataUris(batch));
        Assert.Contains("(2, 3, 1, 8, 8)", e.Message);
        using var twoChannels = zeros(3, 2, 8, 8);
        Assert.Throws<ArgumentException>(() => FrameImages.DataUris(twoChannels));
    }

    [Fact]
    public void Frame_grid_has_context_truth_prediction_and_error_rows()
    {
        using var clip = Clip(frames: 12);
        using var context = clip.narrow(0, 0, 4);
        using var truth = clip.narrow(0, 4, 8);
        var grid = FrameGrid.Create(context, truth, truth);  // a perfect prediction
        Assert.Equal(["context", "ground truth", "prediction", "|error|"], grid.Rows.Select(r => r.Label));
        Assert.Equal([4, 8, 8, 8], grid.Rows.Select(r => r.Images.Count));
        var (_, _, type, error) = PngReader.Read(PngReader.FromDataUri(grid.Rows[3].Images[0]));
        Assert.Equal(0, type);  // one grey channel
        Assert.All(error, p => Assert.Equal(0, p));
        Assert.Equal(28, Regex.Matches(grid.ToHtml(HtmlAssets.Fresh()), "<img ").Count);

        using var shorter = clip.narrow(0, 0, 7);
        Assert.Throws<ArgumentException>(() => FrameGrid.Create(context, truth, shorter));
    }

    [Fact]
    public void A_20_frame_64px_clip_player_stays_well_under_a_megabyte_and_its_script_is_included_once()
    {
        using var a = Clip(seed: 1);
        using var b = Clip(frames: 12, seed: 2);
        var player = ClipPlayer.Create([("a", a), ("b", b)]);
        Assert.Equal(20, player.FrameCount);
        var assets = HtmlAssets.Fresh();
        var first = player.ToHtml(assets);
        var second = ClipPlayer.Create(a).ToHtml(assets);
        Assert.Contains("function videolabPlayers", first);
        Assert.DoesNotContain("function videolabPlayers", second);
        Assert.Contains("max=\"19\"", first);
        Assert.InRange(second.Length, 1, 300_000);  // one 20-frame 64×64 RGB clip
        Assert.Equal(32 + 2, Regex.Matches(first, "data:image/png").Count);  // 20 + 12 frames, plus the two first frames shown
    }

    [Fact]
    public void Interpolation_grid_has_a_row_per_pair_and_a_column_per_step()
    {
        using var frames = rand(new long[] { 2, 5, 1, 16, 16 });
        var grid = InterpolationGrid.Create(frames, ["0→1", "2→3"]);
        Assert.Equal(["0→1", "2→3"], grid.Rows.Select(r => r.Label));
        Assert.All(grid.Rows, r => Assert.Equal(5, r.Images.Count));
        Assert.Throws<ArgumentException>(() => InterpolationGrid.Create(frames, ["only one"]));
    }
}
