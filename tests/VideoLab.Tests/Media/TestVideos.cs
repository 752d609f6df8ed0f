using System.Diagnostics;

namespace VideoLab.Tests.Media;

/// <summary>Small videos the tests make with ffmpeg's test sources, once per test run, in a temp folder.</summary>
static class TestVideos
{
    static readonly Lazy<string> Folder = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("videolab-videos-").FullName;
        // 12 gray frames whose brightness rises by 20 levels per frame: frame order is visible in the pixels.
        const string ramp = "color=black:s=32x32:r=10:d=1.2,format=gray,geq=lum='16+N*16'";
        Ffmpeg($"-f lavfi -i \"{ramp}\" -frames:v 12 -c:v libx264 -qp 0 -pix_fmt yuv420p {Q(dir, "ramp.mp4")}");
        Ffmpeg($"-f lavfi -i \"{ramp}\" -frames:v 12 -c:v ffv1 {Q(dir, "ramp.mkv")}");
        Ffmpeg($"-f lavfi -i \"{ramp}\" -frames:v 12 -c:v libvpx-vp9 -deadline realtime -b:v 200k {Q(dir, "ramp.webm")}");
        Ffmpeg($"-f lavfi -i \"{ramp}\" -frames:v 12 {Q(dir, "ramp.gif")}");
        Ffmpeg($"-f lavfi -i color=red:s=24x16:r=5:d=1 -frames:v 5 -c:v mpeg4 -q:v 2 {Q(dir, "red.avi")}");
        return dir;
    });

    public static string Ramp(string extension = "mp4") => Path.Combine(Folder.Value, "ramp." + extension);
    public static string RedAvi => Path.Combine(Folder.Value, "red.avi");

    static string Q(string dir, string name) => $"\"{Path.Combine(dir, name)}\"";

    /// <summary>Runs ffmpeg (quietly, overwriting); fails the test with ffmpeg's message if it fails.</summary>
    public static void Ffmpeg(string arguments)
    {
        using var p = Process.Start(new ProcessStartInfo("ffmpeg", "-hide_banner -loglevel error -y " + arguments)
            { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {arguments} failed: {err}");
    }

    /// <summary>A video made on demand into <paramref name="path"/>: <paramref name="frames"/> frames of a moving test pattern.</summary>
    public static string Make(string path, int frames, string size = "40x30", int rate = 10)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Ffmpeg($"-f lavfi -i testsrc=s={size}:r={rate} -frames:v {frames} -pix_fmt yuv420p \"{path}\"");
        return path;
    }
}
