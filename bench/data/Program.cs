// Data-layer throughput: generated clips per second, and video decoding against ffmpeg decoding the
// same file to null, in the same run, interleaved and repeated (the machine is shared; take medians).
//   dotnet run -c Release --project bench/data [-- --rounds 3]
using System.Diagnostics;
using System.Text.Json;
using VideoLab.Data;
using VideoLab.Media;
using VideoLab.Runtime;
using static TorchSharp.torch;

//   options: --rounds N (default 3), --only generators|video, --threads N (torch's threads),
//            --json PATH (every run's value by measurement name, for bench/driver.py)
int rounds = Option("--rounds") is { } r0 ? int.Parse(r0) : 3;
string? jsonPath = Option("--json");
string only = Option("--only") ?? "all";
if (Option("--threads") is { } threads) TorchSharp.torch.set_num_threads(int.Parse(threads));  // torch's intra-op threads
bool generators = only is "all" or "generators", videos = only is "all" or "video";
string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
Console.WriteLine(Lab.Report());
Console.WriteLine($"cores: {Environment.ProcessorCount}, rounds: {rounds} (median reported)\n");

var work = Directory.CreateTempSubdirectory("videolab-bench-").FullName;
try
{
    // Generators: (20, C, 64, 64) clips, one at a time, as ClipLoader asks for them.
    var shapes = new BouncingShapes(new BouncingShapesConfig());
    const string fashion = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    var mnist = File.Exists(fashion) ? MovingMnist.FromPath(fashion, new MovingMnistConfig()) : null;
    var npyPath = Path.Combine(work, "seq.npy");
    var sequences = new byte[20 * 1000 * 64 * 64];
    new Random(1).NextBytes(sequences);
    NpyReader.WriteUInt8(npyPath, sequences, 20, 1000, 64, 64);
    var testSet = new MovingMnistTestSet(npyPath);

    // Videos: a 640×360 H.264 file of 300 frames (10 s at 30 fps), like a UCF-101 clip at twice its size.
    var video = Path.Combine(work, "testsrc.mp4");
    Run("ffmpeg", $"-hide_banner -loglevel error -y -f lavfi -i testsrc2=s=640x360:r=30 -frames:v 300 -c:v libx264 -preset veryfast -pix_fmt yuv420p {video}");
    var info = VideoProbe.Probe(video);
    var folder = Path.Combine(work, "videos", "class");
    Directory.CreateDirectory(folder);
    File.Copy(video, Path.Combine(folder, "a.mp4"));
    var clips = new VideoFolder(Path.GetDirectoryName(folder)!, new VideoFolderConfig(Frames: 16, Height: 64, Width: 64, FrameStride: 2, ClipsPerVideo: 8));

    var results = new Dictionary<string, List<double>>();
    void Add(string name, double value) => (results.TryGetValue(name, out var l) ? l : results[name] = []).Add(value);
    for (int r = 0; r < rounds; r++)
    {
        if (generators)
        {
            Add("bouncing shapes   clips/s (20×3×64×64)", Rate(300, i => shapes.GetClip(i % shapes.Count)));
            if (mnist is not null) Add("moving mnist      clips/s (20×1×64×64)", Rate(1000, i => mnist.GetClip(i % mnist.Count)));
            Add("mnist_test_seq    clips/s (npy read)  ", Rate(1000, i => testSet.GetClip(i % testSet.Count)));
            var loader = new ClipLoader(mnist is not null ? mnist : shapes, batchSize: 16, prefetch: 2);
            var batches = Stopwatch.StartNew();
            int n = 0;
            foreach (var batch in loader.Epoch(r)) { batch.Dispose(); if (++n == 40) break; }
            Add($"ClipLoader prefetch=2 clips/s ({(mnist is not null ? "moving mnist" : "shapes")}, B=16)", n * 16 / batches.Elapsed.TotalSeconds);
        }
        if (!videos) continue;
        var ffmpegNull = Stopwatch.StartNew();
        Run("ffmpeg", $"-hide_banner -loglevel error -i {video} -f null -");
        Add("ffmpeg -f null    frames/s (640×360)  ", info.Frames / ffmpegNull.Elapsed.TotalSeconds);
        var ffmpegRgb = Stopwatch.StartNew();
        Run("ffmpeg", $"-hide_banner -loglevel error -i {video} -pix_fmt rgb24 -f null -");
        Add("ffmpeg rgb24 null frames/s (640×360)  ", info.Frames / ffmpegRgb.Elapsed.TotalSeconds);
        var bytesOnly = Stopwatch.StartNew();
        VideoReader.Decode(info, new DecodeOptions());
        Add("VideoReader.Decode (bytes) frames/s   ", info.Frames / bytesOnly.Elapsed.TotalSeconds);
        var ours = Stopwatch.StartNew();
        using (var all = VideoReader.ReadAll(video)) if (all.shape[0] != info.Frames) throw new Exception("frame count");
        Add("VideoReader.ReadAll frames/s (640×360)", info.Frames / ours.Elapsed.TotalSeconds);
        // The same decode at a training size: ours against the same ffmpeg filter chain written to null.
        var small = Stopwatch.StartNew();
        Run("ffmpeg", $"-hide_banner -loglevel error -i {video} -vf scale=64:64:force_original_aspect_ratio=increase,crop=64:64 -pix_fmt gbrp -f null -");
        Add("ffmpeg 64×64 null frames/s            ", info.Frames / small.Elapsed.TotalSeconds);
        var timer64 = Stopwatch.StartNew();
        using (var all = VideoReader.ReadClip(info, new DecodeOptions(Height: 64, Width: 64))) if (all.shape[0] != info.Frames) throw new Exception("frame count");
        Add("VideoReader 64×64 frames/s            ", info.Frames / timer64.Elapsed.TotalSeconds);
        Add("VideoFolder       clips/s (16×3×64×64, stride 2)", Rate(clips.Count, i => clips.GetClip(i)));
    }
    foreach (var (name, values) in results)
        Console.WriteLine($"{name,-52} {Median(values),10:F1}   (runs: {string.Join(", ", values.Select(v => v.ToString("F1")))})");
    if (jsonPath is not null)
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(results.ToDictionary(x => string.Join(' ', x.Key.Split(' ', StringSplitOptions.RemoveEmptyEntries)), x => x.Value)));
    if (!videos) return;
    double reader = Median(results["VideoReader.ReadAll frames/s (640×360)"]), nul = Median(results["ffmpeg -f null    frames/s (640×360)  "]),
           rgb = Median(results["ffmpeg rgb24 null frames/s (640×360)  "]);
    double ours64 = Median(results["VideoReader 64×64 frames/s            "]), null64 = Median(results["ffmpeg 64×64 null frames/s            "]);
    Console.WriteLine($"\nfull size: VideoReader / ffmpeg -f null: {reader / nul:F2}×, / ffmpeg rgb24 to null: {reader / rgb:F2}×");
    Console.WriteLine($"64×64:     VideoReader / the same ffmpeg filters to null: {ours64 / null64:F2}×");
}
finally { Directory.Delete(work, recursive: true); }

static double Rate(long count, Func<long, Tensor> make)
{
    var watch = Stopwatch.StartNew();
    for (long i = 0; i < count; i++) make(i).Dispose();
    return count / watch.Elapsed.TotalSeconds;
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

static void Run(string file, string arguments)
{
    using var p = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true })!;
    var err = p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new Exception($"{file} {arguments}: {err}");
}
