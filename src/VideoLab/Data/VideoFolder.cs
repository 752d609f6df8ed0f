using VideoLab.Media;
using static TorchSharp.torch;

namespace VideoLab.Data;

/// <summary>Where a clip starts inside its video.</summary>
public enum ClipStart
{
    /// <summary>A uniform random start, seeded by (seed, clip index).</summary>
    Random,
    /// <summary>The clip is centred in the video.</summary>
    Centre,
    /// <summary>A video's clips are spread evenly from its first to its last possible start.</summary>
    Uniform,
}

/// <summary>Which videos of the folder a dataset holds.</summary>
public enum VideoSplit { All, Train, Validation }

/// <summary>What to do with a file that cannot be used (unreadable, empty, or shorter than one clip).</summary>
public enum BadFilePolicy
{
    /// <summary>Leave it out and warn once, listing every skipped file.</summary>
    Skip,
    /// <summary>Throw on the first bad file.</summary>
    Stop,
}

/// <summary>Settings of <see cref="VideoFolder"/>.</summary>
/// <param name="Frames">Frames per clip.</param>
/// <param name="Height">Frame height after resizing (frames are scaled to cover H×W, then centre-cropped).</param>
/// <param name="Width">Frame width after resizing.</param>
/// <param name="FrameStride">Take every n-th frame (2 halves the frame rate).</param>
/// <param name="Start">Where clips start in their video.</param>
/// <param name="ClipsPerVideo">Clips drawn from each video per epoch.</param>
/// <param name="Grayscale">One channel instead of RGB.</param>
/// <param name="Split">Train, validation or all videos.</param>
/// <param name="ValidationFraction">Share of videos in the validation split (chosen by a hash of the relative path, so stable as files are added).</param>
/// <param name="OnBadFile">Skip bad files with a warning, or stop.</param>
/// <param name="Seed">Seed of random clip starts.</param>
public sealed record VideoFolderConfig(int Frames = 16, int Height = 64, int Width = 64, int FrameStride = 1,
                                       ClipStart Start = ClipStart.Random, int ClipsPerVideo = 1, bool Grayscale = false,
                                       VideoSplit Split = VideoSplit.All, double ValidationFraction = 0.2,
                                       BadFilePolicy OnBadFile = BadFilePolicy.Skip, long Seed = 0);

/// <summary>A usable video of the folder.</summary>
/// <param name="RelativePath">Path under the root, with '/' separators.</param>
/// <param name="Label">Index of its class in <see cref="VideoFolder.Classes"/>, or -1 for a file directly in the root.</param>
/// <param name="Info">What ffprobe said about it.</param>
public sealed record VideoEntry(string RelativePath, int Label, VideoInfo Info);

/// <summary>A file left out, and why.</summary>
public sealed record BadVideo(string Path, string Reason);

/// <summary>
/// Clips from a folder of video files (mp4, avi, mkv, webm, gif, mov), in the style of UCF-101 and KTH:
/// the first sub-folder under the root names a video's class. Each clip is <c>(T, C, H, W)</c> in [0, 1],
/// decoded on demand by <see cref="VideoReader"/>. Clip i is a pure function of the folder's contents, the
/// config and i (video i / ClipsPerVideo, start from <see cref="ClipStart"/>), like the generated datasets.
/// </summary>
public sealed class VideoFolder : ILabelledClipDataset
{
    readonly List<VideoEntry> _videos = [];
    readonly FFmpegBinaries _tools;

    /// <param name="root">The folder; searched recursively.</param>
    /// <param name="config">Clip size, sampling, split and bad-file policy.</param>
    /// <param name="tools">ffmpeg to use; found from the environment when null.</param>
    /// <param name="warn">Receives the warning that lists skipped files; standard error when null.</param>
    public VideoFolder(string root, VideoFolderConfig config, FFmpegBinaries? tools = null, Action<string>? warn = null)
    {
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"{root}: folder not found; expected a folder of videos ({string.Join(", ", VideoProbe.Extensions)}), " +
                                                 "optionally one sub-folder per class.");
        if (config.Frames <= 0 || config.FrameStride <= 0 || config.ClipsPerVideo <= 0 || config.Height <= 0 || config.Width <= 0)
            throw new ArgumentException($"Frames, FrameStride, ClipsPerVideo, Height and Width must be positive; got {config}.");
        Root = Path.GetFullPath(root);
        Config = config;
        _tools = tools ?? FFmpegTools.Current;

        var files = Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
                             .Where(f => VideoProbe.Extensions.Contains(Path.GetExtension(f)))
                             .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
                             .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new DataFileException(Root, $"no video files found; expected files ending in {string.Join(", ", VideoProbe.Extensions)}.");
        var classes = files.Select(ClassOf).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        Classes = classes;

        // Probe in parallel (each probe is a process), then take the results in path order.
        var chosen = files.Where(f => Config.Split == VideoSplit.All || IsValidation(f) == (Config.Split == VideoSplit.Validation)).ToList();
        var probes = chosen.AsParallel().AsOrdered().Select(relative => Check(Path.Combine(Root, relative))).ToList();
        var skipped = new List<BadVideo>();
        for (int i = 0; i < chosen.Count; i++)
        {
            var (info, error) = probes[i];
            if (info is not null)
                _videos.Add(new VideoEntry(chosen[i], ClassOf(chosen[i]) is { } c ? classes.IndexOf(c) : -1, info));
            else if (Config.OnBadFile == BadFilePolicy.Skip)
                skipped.Add(new BadVideo(error!.FilePath, error.Message));
            else
                throw new DataFileException(error!.FilePath, error.Message[(error.FilePath.Length + 2)..] + " (Set OnBadFile = Skip to leave bad files out.)", error);
        }
        Skipped = skipped;
        if (skipped.Count > 0)
            (warn ?? Console.Error.WriteLine)($"warning: skipped {skipped.Count} of {files.Count} video file(s) in {Root}:\n" +
                                              string.Join("\n", skipped.Select(s => "  " + s.Reason)));
        if (_videos.Count == 0)
            throw new DataFileException(Root, $"no usable videos in the {Config.Split} split ({files.Count} file(s) found, {skipped.Count} skipped).");
        Shape = new ClipShape(Config.Frames, Config.Grayscale ? 1 : 3, Config.Height, Config.Width);
    }

    (VideoInfo? Info, DataFileException? Error) Check(string path)
    {
        try
        {
            var info = VideoProbe.Probe(path, _tools);
            return info.Frames >= ClipSpan ? (info, null)
                : (null, new DataFileException(path, $"has {info.Frames} frames; a clip of {Config.Frames} frames with stride {Config.FrameStride} needs {ClipSpan}."));
        }
        catch (DataFileException e) { return (null, e); }
    }

    public string Root { get; }
    public VideoFolderConfig Config { get; }
    public long Count => (long)_videos.Count * Config.ClipsPerVideo;
    public ClipShape Shape { get; }

    /// <summary>Class names (first-level sub-folders), sorted; a video's label indexes this list.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The usable videos of this split, sorted by path.</summary>
    public IReadOnlyList<VideoEntry> Videos => _videos;

    /// <summary>Files left out under <see cref="BadFilePolicy.Skip"/>.</summary>
    public IReadOnlyList<BadVideo> Skipped { get; }

    /// <summary>Frames a clip covers in its video: (T − 1) · stride + 1.</summary>
    public int ClipSpan => (Config.Frames - 1) * Config.FrameStride + 1;

    /// <summary>The class of clip <paramref name="index"/> (-1 when its video is not in a sub-folder).</summary>
    public int Label(long index) => Locate(index).Video.Label;

    /// <summary>True if <paramref name="relativePath"/> belongs to the validation split.</summary>
    public bool IsValidation(string relativePath) => Fnv1a(relativePath) % 10_000 < Config.ValidationFraction * 10_000;

    /// <summary>The video and first frame of clip <paramref name="index"/>.</summary>
    public (VideoEntry Video, int Start) Locate(long index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), $"Clip {index} of {Count}.");
        var video = _videos[(int)(index / Config.ClipsPerVideo)];
        int k = (int)(index % Config.ClipsPerVideo), last = video.Info.Frames - ClipSpan;  // last possible start
        int start = Config.Start switch
        {
            ClipStart.Centre => last / 2,
            ClipStart.Uniform when Config.ClipsPerVideo == 1 => last / 2,
            ClipStart.Uniform => (int)Math.Round((double)k * last / (Config.ClipsPerVideo - 1)),
            _ => new Random(unchecked((int)(Config.Seed * 1_000_003 + index * 7_919 + 31))).Next(last + 1),
        };
        return (video, start);
    }

    public Tensor GetClip(long index)
    {
        var (video, start) = Locate(index);
        return VideoReader.ReadClip(video.Info, new DecodeOptions(start, Config.Frames, Config.FrameStride, Config.Height, Config.Width, Config.Grayscale), _tools);
    }

    static string? ClassOf(string relativePath) => relativePath.IndexOf('/') is > 0 and var slash ? relativePath[..slash] : null;

    /// <summary>FNV-1a over the path's UTF-16 units: stable across runs, processes and machines (string.GetHashCode is not).</summary>
    static ulong Fnv1a(string s)
    {
        ulong hash = 14_695_981_039_346_656_037;
        foreach (char ch in s) { hash ^= ch; hash *= 1_099_511_628_211; }
        return hash;
    }
}
