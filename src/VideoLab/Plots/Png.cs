using System.Buffers.Binary;
using System.IO.Compression;

namespace VideoLab.Plots;

/// <summary>
/// A minimal PNG encoder (ISO/IEC 15948): 8-bit greyscale, RGB or RGBA, no interlace, filter "None"
/// on every row, one zlib-compressed IDAT chunk. Enough for frames in data URIs; a 64×64 frame is a
/// few hundred bytes to a few KB.
/// </summary>
public static class Png
{
    static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes row-major interleaved pixels (<paramref name="channels"/> bytes per pixel: 1, 3 or 4).</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        byte colorType = channels switch
        {
            1 => 0,  // greyscale
            3 => 2,  // truecolour
            4 => 6,  // truecolour with alpha
            _ => throw new ArgumentException($"PNG channels must be 1 (grey), 3 (RGB) or 4 (RGBA); got {channels}.", nameof(channels)),
        };
        if (width <= 0 || height <= 0) throw new ArgumentException($"PNG size must be positive; got {width}×{height}.");
        if (pixels.Length != (long)width * height * channels)
            throw new ArgumentException($"Expected {width}×{height}×{channels} = {(long)width * height * channels} bytes of pixels; got {pixels.Length}.");

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;           // bit depth
        header[9] = colorType;   // compression, filter and interlace methods stay 0

        using var output = new MemoryStream();
        output.Write(Signature);
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", Deflate(pixels, width * channels, height));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary><c>data:image/png;base64,…</c> for an encoded PNG.</summary>
    public static string DataUri(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    // Each scanline is preceded by its filter type byte (0 = None).
    static byte[] Deflate(ReadOnlySpan<byte> pixels, int stride, int height)
    {
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            for (int y = 0; y < height; y++)
            {
                z.WriteByte(0);
                z.Write(pixels.Slice(y * stride, stride));
            }
        return compressed.ToArray();
    }

    static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;  // over type and data
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    /// <summary>CRC-32 (polynomial 0xEDB88320, reflected), as PNG and zlib's crc32 define it.</summary>
    internal static class Crc32
    {
        static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
        {
            uint c = (uint)n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        public static uint Update(uint crc, ReadOnlySpan<byte> bytes)
        {
            foreach (byte b in bytes) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }

        public static uint Compute(ReadOnlySpan<byte> bytes) => Update(0xFFFFFFFFu, bytes) ^ 0xFFFFFFFFu;
    }
}
