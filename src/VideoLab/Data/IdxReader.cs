using System.Buffers.Binary;
using System.IO.Compression;

namespace VideoLab.Data;

/// <summary>An IDX array of unsigned bytes (the MNIST file format): its shape and its values, row-major.</summary>
/// <param name="Path">The file it was read from.</param>
/// <param name="Shape">Sizes of each dimension, e.g. (60000, 28, 28) for MNIST training images.</param>
/// <param name="Data">The values, row-major, <c>Shape</c>'s product of them.</param>
public sealed record IdxArray(string Path, int[] Shape, byte[] Data)
{
    /// <summary>Items along the first dimension (images, labels).</summary>
    public int Count => Shape[0];

    /// <summary>Values per item (28·28 = 784 for an MNIST image).</summary>
    public int ItemSize => Shape.Skip(1).Aggregate(1, (a, b) => a * b);

    /// <summary>Item <paramref name="index"/>'s values.</summary>
    public ReadOnlySpan<byte> Item(int index) => Data.AsSpan(index * ItemSize, ItemSize);
}

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST (LeCun et al.): a 4-byte magic number
/// <c>00 00 type ndims</c>, <c>ndims</c> big-endian int32 sizes, then the values. Plain or gzip-compressed
/// (detected from the content, not the name). Only unsigned bytes (type 0x08) are read: the type of
/// every image and label file of both datasets.
/// </summary>
public static class IdxReader
{
    const byte UnsignedByte = 0x08;
    static readonly Dictionary<byte, string> TypeNames = new()
    {
        [0x08] = "unsigned byte", [0x09] = "signed byte", [0x0B] = "int16", [0x0C] = "int32", [0x0D] = "float32", [0x0E] = "float64",
    };

    /// <summary>Reads a whole IDX file of unsigned bytes.</summary>
    /// <exception cref="DataFileException">Missing, empty, truncated, wrong magic number or a type other than unsigned byte.</exception>
    public static IdxArray Read(string path)
    {
        DataFileException.ThrowIfMissingOrEmpty(path, "an IDX file (e.g. train-images-idx3-ubyte or its .gz)");
        using var stream = Open(path);
        try
        {
            var shape = ReadHeader(stream, path);
            long total = shape.Aggregate(1L, (a, b) => a * b);
            if (total > Array.MaxLength)
                throw new DataFileException(path, $"header declares {total:N0} values ({string.Join("×", shape)}), more than one array can hold.");
            var data = new byte[total];
            int got = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            if (got < data.Length)
                throw new DataFileException(path, $"truncated: the header declares {string.Join("×", shape)} = {total:N0} values, " +
                                                  $"but only {got:N0} follow. Download the file again.");
            return new IdxArray(path, shape, data);
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(path, $"the gzip stream is corrupt or truncated ({e.Message}); expected a complete .gz IDX file.", e);
        }
    }

    /// <summary>Reads an IDX file that holds images: 3 dimensions (count, rows, columns).</summary>
    public static IdxArray ReadImages(string path)
    {
        var idx = Read(path);
        if (idx.Shape.Length != 3)
            throw new DataFileException(path, $"expected images (3 dimensions: count, rows, columns, as in *-images-idx3-ubyte), " +
                                              $"got {idx.Shape.Length} dimension(s) ({string.Join("×", idx.Shape)}): is this a labels file?");
        return idx;
    }

    /// <summary>Just the shape, without reading the values (for <c>videolab data inspect</c>).</summary>
    public static int[] ReadShape(string path)
    {
        DataFileException.ThrowIfMissingOrEmpty(path, "an IDX file");
        using var stream = Open(path);
        try { return ReadHeader(stream, path); }
        catch (InvalidDataException e) { throw new DataFileException(path, $"the gzip stream is corrupt ({e.Message}).", e); }
    }

    /// <summary>True if the file starts with an IDX magic number, plain or inside gzip.</summary>
    public static bool LooksLikeIdx(string path)
    {
        try
        {
            using var stream = Open(path);
            Span<byte> magic = stackalloc byte[4];
            return stream.ReadAtLeast(magic, 4, false) == 4 && magic[0] == 0 && magic[1] == 0 && TypeNames.ContainsKey(magic[2]) && magic[3] is > 0 and < 8;
        }
        catch (Exception e) when (e is IOException or InvalidDataException) { return false; }
    }

    static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        bool gzip = file.ReadByte() == 0x1F && file.ReadByte() == 0x8B;
        file.Position = 0;
        return gzip ? new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16) : file;
    }

    static int[] ReadHeader(Stream stream, string path)
    {
        Span<byte> magic = stackalloc byte[4];
        if (stream.ReadAtLeast(magic, 4, false) < 4)
            throw new DataFileException(path, "truncated: shorter than the 4-byte IDX magic number.");
        if (magic[0] != 0 || magic[1] != 0 || magic[3] == 0)
            throw new DataFileException(path, $"wrong magic number {Convert.ToHexString(magic)}; expected an IDX file starting 00 00 08 0N " +
                                              "(e.g. 00000803 for images, 00000801 for labels).");
        if (magic[2] != UnsignedByte)
            throw new DataFileException(path, $"values are {TypeNames.GetValueOrDefault(magic[2], $"of unknown type 0x{magic[2]:X2}")}; " +
                                              "expected unsigned bytes (type 0x08), as in MNIST and Fashion-MNIST.");
        int dims = magic[3];
        Span<byte> sizes = stackalloc byte[4 * dims];
        if (stream.ReadAtLeast(sizes, sizes.Length, false) < sizes.Length)
            throw new DataFileException(path, $"truncated header: expected {dims} dimension sizes after the magic number.");
        var shape = new int[dims];
        for (int d = 0; d < dims; d++)
        {
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(sizes[(4 * d)..]);
            if (shape[d] <= 0) throw new DataFileException(path, $"dimension {d} has size {shape[d]}; expected a positive size.");
        }
        return shape;
    }
}
