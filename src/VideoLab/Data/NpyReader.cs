using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace VideoLab.Data;

/// <summary>The header of an NPY file: element type, layout, shape and where the values start.</summary>
/// <param name="Path">The file.</param>
/// <param name="Dtype">NumPy's type string, e.g. <c>|u1</c> (uint8) or <c>&lt;f4</c> (little-endian float32).</param>
/// <param name="FortranOrder">True for column-major data.</param>
/// <param name="Shape">Sizes of each dimension.</param>
/// <param name="DataOffset">Byte offset of the first value.</param>
public sealed record NpyHeader(string Path, string Dtype, bool FortranOrder, long[] Shape, long DataOffset)
{
    /// <summary>Number of values.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Bytes per value, from the type string (<c>|u1</c> → 1, <c>&lt;f4</c> → 4).</summary>
    public int ItemSize => int.Parse(Dtype[2..], CultureInfo.InvariantCulture);

    /// <summary>True for unsigned bytes, the only type the video datasets need.</summary>
    public bool IsUInt8 => Dtype is "|u1" or "<u1" or ">u1";
}

/// <summary>
/// Reads NumPy's NPY format (versions 1.0, 2.0, 3.0): the magic <c>\x93NUMPY</c>, a version, a header
/// length, a Python dict literal with <c>descr</c>, <c>fortran_order</c> and <c>shape</c>, then the raw
/// values. Used for the standard Moving MNIST test set <c>mnist_test_seq.npy</c>.
/// </summary>
public static class NpyReader
{
    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    static readonly Regex Descr = new(@"'descr'\s*:\s*'([^']*)'"), Fortran = new(@"'fortran_order'\s*:\s*(True|False)"),
                          ShapeTuple = new(@"'shape'\s*:\s*\(([^)]*)\)");

    /// <summary>Reads and checks the header; the file must be long enough for the values it declares.</summary>
    /// <exception cref="DataFileException">Missing, empty, not NPY, or truncated.</exception>
    public static NpyHeader ReadHeader(string path)
    {
        DataFileException.ThrowIfMissingOrEmpty(path, "an NPY file (NumPy's .npy format)");
        using var file = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[12];
        int got = file.ReadAtLeast(prefix, 10, false);
        if (got < 10 || !prefix[..6].SequenceEqual(Magic))
            throw new DataFileException(path, $"not an NPY file: expected the magic bytes 93 'NUMPY', got {Convert.ToHexString(prefix[..Math.Min(got, 6)])}.");
        int major = prefix[6];
        if (major is < 1 or > 3)
            throw new DataFileException(path, $"NPY format version {major}.{prefix[7]}; expected 1.0, 2.0 or 3.0.");
        int lengthBytes = major == 1 ? 2 : 4;
        if (got < 8 + lengthBytes) throw new DataFileException(path, "truncated: the NPY header length is missing.");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        long offset = 8 + lengthBytes + headerLength;
        file.Position = 8 + lengthBytes;
        var text = new byte[headerLength];
        if (file.ReadAtLeast(text, text.Length, false) < text.Length)
            throw new DataFileException(path, $"truncated: the NPY header declares {headerLength} bytes that the file does not hold.");
        var dict = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(text);

        var descr = Descr.Match(dict); var fortran = Fortran.Match(dict); var shape = ShapeTuple.Match(dict);
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw new DataFileException(path, $"malformed NPY header {dict.Trim()}; expected 'descr', 'fortran_order' and 'shape'.");
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                                        .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var header = new NpyHeader(path, descr.Groups[1].Value, fortran.Groups[1].Value == "True", dims, offset);
        if (header.Dtype.Length < 3 || !int.TryParse(header.Dtype[2..], out _))
            throw new DataFileException(path, $"NPY element type '{header.Dtype}' is not a plain number type (e.g. '|u1', '<f4').");

        long expected = offset + header.Count * header.ItemSize, actual = file.Length;
        if (actual < expected)
            throw new DataFileException(path, $"truncated: shape ({string.Join(", ", dims)}) of '{header.Dtype}' needs {expected:N0} bytes, " +
                                              $"the file has {actual:N0}. Download it again.");
        return header;
    }

    /// <summary>Reads the header and checks that the values are uint8 in C order with <paramref name="dimensions"/> dimensions.</summary>
    /// <param name="path">The file.</param>
    /// <param name="dimensions">Required number of dimensions.</param>
    /// <param name="layout">What the dimensions mean, for the message (e.g. "(T, N, H, W)").</param>
    public static NpyHeader ReadUInt8Header(string path, int dimensions, string layout)
    {
        var header = ReadHeader(path);
        if (!header.IsUInt8)
            throw new DataFileException(path, $"values are '{header.Dtype}'; expected uint8 ('|u1') pixels in 0..255.");
        if (header.FortranOrder)
            throw new DataFileException(path, "values are in Fortran (column-major) order; expected C order. Save it with np.ascontiguousarray.");
        if (header.Shape.Length != dimensions)
            throw new DataFileException(path, $"shape ({string.Join(", ", header.Shape)}); expected {dimensions} dimensions {layout}.");
        return header;
    }

    /// <summary>Reads all values of a uint8 file (small files; large ones are read on demand, see <see cref="MovingMnistTestSet"/>).</summary>
    public static (NpyHeader Header, byte[] Data) ReadUInt8(string path)
    {
        var header = ReadHeader(path);
        if (!header.IsUInt8) throw new DataFileException(path, $"values are '{header.Dtype}'; expected uint8 ('|u1').");
        if (header.Count > Array.MaxLength) throw new DataFileException(path, $"{header.Count:N0} values are more than one array can hold.");
        var data = new byte[header.Count];
        using var file = File.OpenHandle(path);
        RandomAccess.Read(file, data, header.DataOffset);
        return (header, data);
    }

    /// <summary>Writes a uint8 array as NPY 1.0 (tests, fixtures, exports a NumPy user can load).</summary>
    public static void WriteUInt8(string path, ReadOnlySpan<byte> data, params long[] shape)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length) throw new ArgumentException($"Shape ({string.Join(", ", shape)}) holds {count} values; got {data.Length}.");
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        var dict = $"{{'descr': '|u1', 'fortran_order': False, 'shape': ({dims}), }}";
        int total = 10 + dict.Length + 1;
        dict = dict.PadRight(dict.Length + (64 - total % 64) % 64) + "\n";  // header padded to a multiple of 64 bytes
        using var file = File.Create(path);
        file.Write(Magic);
        file.Write([1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)dict.Length);
        file.Write(length);
        file.Write(Encoding.Latin1.GetBytes(dict));
        file.Write(data);
    }
}
