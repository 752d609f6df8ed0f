using VideoLab.Data;
using VideoLab.Media;
using VideoLab.Tests.Media;

namespace VideoLab.Tests.Data;

public class VideoFolderTests
{
    /// <summary>A UCF-style folder made once: two classes, videos of 10-14 frames, and a text file to ignore.</summary>
    static readonly Lazy<TempFolder> Good = new(() =>
    {
        var dir = new TempFolder();
        TestVideos.Make(dir.File("jump/a.mp4"), 10);
        TestVideos.Make(dir.File("jump/b.avi"), 12);
        TestVideos.Make(dir.File("run/c.mkv"), 14);
        TestVideos.Make(dir.File("run/d.webm"), 10, size: "32x32");
        File.WriteAllText(dir.File("run/notes.txt"), "not a video");
        return dir;
    });

    /// <summary>One good video, an empty file and a 3-frame clip.</summary>
    static readonly Lazy<TempFolder> WithBadFiles = new(() =>
    {
        var dir = new TempFolder();
        File.Copy(Good.Value.File("jump/a.mp4"), dir.File("a.mp4"));
        File.WriteAllBytes(dir.File("empty.mp4"), []);
        TestVideos.Make(dir.File("short.mp4"), 3);
        return dir;
    });

    static TempFolder MakeFolder(bool withBadFiles) => withBadFiles ? WithBadFiles.Value : Good.Value;

    static VideoFolderConfig Small => new(Frames: 4, Height: 16, Width: 16, FrameStride: 2, Start: ClipStart.Centre);

    [Fact]
    public void Clips_have_the_configured_shape_and_labels_come_from_sub_folders()
    {
        var dir = MakeFolder(withBadFiles: false);
        var data = new VideoFolder(dir.Path, Small);
        Assert.Equal(["jump", "run"], data.Classes);
        Assert.Equal(4, data.Count);
        Assert.Equal(new[] { 0, 0, 1, 1 }, Enumerable.Range(0, 4).Select(i => data.Label(i)));
        Assert.Equal(7, data.ClipSpan);
        using var clip = data.GetClip(2);
        Assert.Equal(new long[] { 4, 3, 16, 16 }, clip.shape);
        Assert.True(clip.min().item<float>() >= 0f && clip.max().item<float>() <= 1f);
        using var gray = new VideoFolder(dir.Path, Small with { Grayscale = true }).GetClip(0);
        Assert.Equal(new long[] { 4, 1, 16, 16 }, gray.shape);
    }

    [Fact]
    public void Starts_are_centred_uniform_or_seeded_random()
    {
        var dir = MakeFolder(withBadFiles: false);
        var centre = new VideoFolder(dir.Path, Small);
        Assert.Equal((14 - 7) / 2, centre.Locate(2).Start);  // c.mkv: 14 frames, span 7
        var uniform = new VideoFolder(dir.Path, Small with { Start = ClipStart.Uniform, ClipsPerVideo = 3 });
        Assert.Equal(new[] { 0, 4, 7 }, Enumerable.Range(6, 3).Select(i => uniform.Locate(i).Start));
        var random = new VideoFolder(dir.Path, Small with { Start = ClipStart.Random, ClipsPerVideo = 8, Seed = 1 });
        var again = new VideoFolder(dir.Path, Small with { Start = ClipStart.Random, ClipsPerVideo = 8, Seed = 1 });
        var starts = Enumerable.Range(0, 32).Select(i => random.Locate(i).Start).ToArray();
        Assert.Equal(starts, Enumerable.Range(0, 32).Select(i => again.Locate(i).Start));
        Assert.All(starts.Select((s, i) => (s, i)), p => Assert.InRange(p.s, 0, random.Locate(p.i).Video.Info.Frames - 7));
        Assert.True(starts.Distinct().Count() > 2, "random starts do not vary");
    }

    [Fact]
    public void The_split_is_deterministic_disjoint_and_complete()
    {
        var dir = MakeFolder(withBadFiles: false);
        var config = Small with { ValidationFraction = 0.5 };
        var train = new VideoFolder(dir.Path, config with { Split = VideoSplit.Train }).Videos.Select(v => v.RelativePath).ToList();
        var validation = new VideoFolder(dir.Path, config with { Split = VideoSplit.Validation }).Videos.Select(v => v.RelativePath).ToList();
        Assert.Empty(train.Intersect(validation));
        Assert.Equal(new[] { "jump/a.mp4", "jump/b.avi", "run/c.mkv", "run/d.webm" }, train.Concat(validation).Order(StringComparer.Ordinal));
        Assert.Equal(train, new VideoFolder(dir.Path, config with { Split = VideoSplit.Train }).Videos.Select(v => v.RelativePath));
    }

    [Fact]
    public void Bad_files_are_skipped_with_one_warning_listing_them_or_stop_the_load()
    {
        var dir = MakeFolder(withBadFiles: true);
        var warnings = new List<string>();
        var data = new VideoFolder(dir.Path, Small, warn: warnings.Add);
        Assert.Equal("a.mp4", Assert.Single(data.Videos).RelativePath);
        Assert.Equal(2, data.Skipped.Count);
        var warning = Assert.Single(warnings);
        Assert.Contains("skipped 2 of 3", warning);
        Assert.Contains("empty.mp4", warning);
        Assert.Contains("short.mp4: has 3 frames", warning);
        Assert.Contains("needs 7", warning);

        var e = Assert.Throws<DataFileException>(() => new VideoFolder(dir.Path, Small with { OnBadFile = BadFilePolicy.Stop }));
        Assert.EndsWith("empty.mp4", e.FilePath);
        Assert.Contains("empty", e.Message);
        Assert.Contains("OnBadFile = Skip", e.Message);
    }

    [Fact]
    public void The_catalog_opens_a_video_folder()
    {
        var dir = MakeFolder(withBadFiles: false);
        var data = DatasetCatalog.Open(new DataSpec("videos", dir.Path, Frames: 3, Size: 16, Split: "all"));
        Assert.Equal(new ClipShape(3, 3, 16, 16), data.Shape);
        Assert.Equal(4, data.Count);
        Assert.Throws<DirectoryNotFoundException>(() => DatasetCatalog.Open(new DataSpec("videos", dir.File("nope"))));
    }
}
