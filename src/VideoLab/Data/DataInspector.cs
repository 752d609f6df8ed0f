using System.Globalization;
using VideoLab.Media;

namespace VideoLab.Data;

/// <summary>What <see cref="DataInspector.Inspect"/> found in a file: its format and a list of facts in reading order.</summary>
/// <param name="Path">The file.</param>
/// <param name="Format">IDX, NPY or video.</param>
/// <param name="Facts">Named values: count, frame size, dtype, value range; for a video codec, frames, size, fps, duration.</param>
public sealed record Inspection(string Path, string Format, IReadOnlyList<KeyValuePair<string, string>> Facts)
{
    /// <summary>The value of fact <paramref name="key"/>.</summary>
    public string this[string key] => Facts.First(f => f.Key == key).Value;
}

/// <summary>Looks inside a dataset file, so a user can check it before training on it (<c>videolab data inspect</c>).</summary>
public static class DataInspector
{
    /// <summary>Inspects an IDX file (plain or gzip), an NPY file or a video.</summary>
    /// <exception cref="DataFileException">Missing, empty, or in none of those formats.</exception>
    public static Inspection Inspect(string path, FFmpegBinaries? tools = null)
    {
        DataFileException.ThrowIfMissingOrEmpty(path, "an IDX file, an NPY file or a video");
        if (StartsWithNpyMagic(path)) return InspectNpy(path);
        if (IdxReader.LooksLikeIdx(path)) return InspectIdx(path);
        if (VideoProbe.Extensions.Contains(System.IO.Path.GetExtension(path))) return InspectVideo(path, tools);
        throw new DataFileException(path, "is neither IDX (magic 00 00 08 0N, plain or gzip), NPY (magic 93 NUMPY) nor a video by its extension " +
                                          $"({string.Join(", ", VideoProbe.Extensions)}).");
    }

    static Inspection InspectIdx(string path)
    {
        var idx = IdxReader.Read(path);
        var facts = new List<KeyValuePair<string, string>>
        {
            new("format", path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || IsGzip(path) ? "IDX (gzip)" : "IDX"),
            new("dtype", "uint8"),
            new("shape", Shape(idx.Shape.Select(d => (long)d))),
            new("count", idx.Count.ToString("N0", CultureInfo.InvariantCulture)),
        };
        if (idx.Shape.Length == 3) facts.Add(new("frame size", $"{idx.Shape[1]}×{idx.Shape[2]}"));
        facts.Add(new("value range", Range(idx.Data)));
        return new Inspection(path, "IDX", facts);
    }

    static Inspection InspectNpy(string path)
    {
        var header = NpyReader.ReadHeader(path);
        var facts = new List<KeyValuePair<string, string>>
        {
            new("format", "NPY"),
            new("dtype", header.Dtype + (header.IsUInt8 ? " (uint8)" : "")),
            new("shape", Shape(header.Shape) + (header.FortranOrder ? " Fortran order" : "")),
        };
        if (header.Shape.Length == 4)  // (T, N, H, W), the layout of mnist_test_seq.npy
        {
            facts.Add(new("count", $"{header.Shape[1]:N0} sequences of {header.Shape[0]} frames (read as (T, N, H, W))"));
            facts.Add(new("frame size", $"{header.Shape[2]}×{header.Shape[3]}"));
        }
        else facts.Add(new("count", header.Shape.Length > 0 ? header.Shape[0].ToString("N0", CultureInfo.InvariantCulture) : "1"));
        facts.Add(new("value range", header.IsUInt8 ? Range(path, header) : "(computed for uint8 only)"));
        return new Inspection(path, "NPY", facts);
    }

    static Inspection InspectVideo(string path, FFmpegBinaries? tools)
    {
        var v = VideoProbe.Probe(path, tools);
        return new Inspection(path, "video",
        [
            new("format", $"video ({v.Container})"),
            new("codec", $"{v.Codec}, {v.PixelFormat}"),
            new("frames", v.Frames.ToString("N0", CultureInfo.InvariantCulture)),
            new("frame size", $"{v.Width}×{v.Height}"),
            new("fps", v.Fps.ToString("0.###", CultureInfo.InvariantCulture)),
            new("duration", v.Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s"),
        ]);
    }

    static string Shape(IEnumerable<long> shape) => $"({string.Join(", ", shape)})";

    static string Range(ReadOnlySpan<byte> data)
    {
        byte lo = 255, hi = 0;
        foreach (var b in data) { if (b < lo) lo = b; if (b > hi) hi = b; }
        return $"{lo}..{hi}";
    }

    /// <summary>Min and max of a uint8 NPY file, read in 1 MiB blocks (mnist_test_seq.npy is 820 MB).</summary>
    static string Range(string path, NpyHeader header)
    {
        using var file = File.OpenHandle(path);
        var buffer = new byte[1 << 20];
        byte lo = 255, hi = 0;
        for (long offset = 0; offset < header.Count; offset += buffer.Length)
        {
            int n = RandomAccess.Read(file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, header.Count - offset)), header.DataOffset + offset);
            foreach (var b in buffer.AsSpan(0, n)) { if (b < lo) lo = b; if (b > hi) hi = b; }
        }
        return header.Count == 0 ? "(empty)" : $"{lo}..{hi}";
    }

    static bool StartsWithNpyMagic(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[6];
        return file.ReadAtLeast(magic, 6, false) == 6 && magic[0] == 0x93 && magic[1..].SequenceEqual("NUMPY"u8);
    }

    static bool IsGzip(string path)
    {
        using var file = File.OpenRead(path);
        return file.ReadByte() == 0x1F && file.ReadByte() == 0x8B;
    }
}
