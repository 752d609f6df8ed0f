using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using VideoLab.Plots;

namespace VideoLab.Tests.Plots;

/// <summary>A test-side PNG reader: checks signature, chunk CRCs and IHDR, inflates IDAT, strips filter bytes (must be 0).</summary>
static class PngReader
{
    public static (int Width, int Height, int ColorType, byte[] Pixels) Read(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int pos = 8, width = 0, height = 0, colorType = -1;
        var idat = new MemoryStream();
        var types = new List<string>();
        while (pos < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            var type = Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            Assert.Equal(Png.Crc32.Compute(png.AsSpan(pos + 4, 4 + length)), crc);
            types.Add(type);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);  // bit depth
                colorType = data[9];
            }
            if (type == "IDAT") idat.Write(data);
            pos += 12 + length;
        }
        Assert.Equal(["IHDR", "IDAT", "IEND"], types);
        int channels = colorType switch { 0 => 1, 2 => 3, 6 => 4, _ => throw new InvalidDataException($"colour type {colorType}") };
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        var rows = raw.ToArray();
        int stride = width * channels;
        Assert.Equal(height * (stride + 1), rows.Length);
        var pixels = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            Assert.Equal(0, rows[y * (stride + 1)]);
            Array.Copy(rows, y * (stride + 1) + 1, pixels, y * stride, stride);
        }
        return (width, height, colorType, pixels);
    }

    public static byte[] FromDataUri(string uri)
    {
        const string prefix = "data:image/png;base64,";
        Assert.StartsWith(prefix, uri);
        return Convert.FromBase64String(uri[prefix.Length..]);
    }
}

public class PngTests
{
    static byte[] Pattern(int w, int h, int c) =>
        Enumerable.Range(0, w * h * c).Select(i => (byte)((i * 37 + i / 7) % 256)).ToArray();

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, Png.Crc32.Compute("123456789"u8));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 2)]
    [InlineData(4, 6)]
    public void Encoded_pixels_round_trip_through_a_reader(int channels, int colorType)
    {
        var pixels = Pattern(13, 7, channels);
        var (w, h, type, decoded) = PngReader.Read(Png.Encode(pixels, 13, 7, channels));
        Assert.Equal((13, 7, colorType), (w, h, type));
        Assert.Equal(pixels, decoded);
    }

    [Fact]
    public void Ffmpeg_decodes_the_png_to_the_same_rgb_bytes()
    {
        var pixels = Pattern(16, 9, 3);
        var file = Path.Combine(Path.GetTempPath(), $"videolab-png-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(file, Png.Encode(pixels, 16, 9, 3));
        try
        {
            var start = new ProcessStartInfo("ffmpeg", ["-v", "error", "-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            };
            using var ffmpeg = Process.Start(start)!;
            var output = new MemoryStream();
            ffmpeg.StandardOutput.BaseStream.CopyTo(output);
            var errors = ffmpeg.StandardError.ReadToEnd();
            ffmpeg.WaitForExit();
            Assert.True(ffmpeg.ExitCode == 0, $"ffmpeg failed: {errors}");
            Assert.Equal(pixels, output.ToArray());
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Wrong_sizes_and_channel_counts_are_refused_with_the_numbers()
    {
        var e = Assert.Throws<ArgumentException>(() => Png.Encode(new byte[10], 2, 2, 3));
        Assert.Contains("12", e.Message);
        Assert.Throws<ArgumentException>(() => Png.Encode(new byte[8], 2, 2, 2));
    }
}
