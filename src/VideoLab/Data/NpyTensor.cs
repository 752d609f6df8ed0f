using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Data;

/// <summary>
/// Tensors to and from NumPy's NPY files, so Python tools read VideoLab's predictions and VideoLab reads
/// clips saved by NumPy: <c>np.save("clips.npy", x)</c> ↔ <see cref="Read"/>, <see cref="Write"/> ↔ <c>np.load</c>.
/// Little-endian C-order arrays of <c>uint8</c>, <c>bool</c>, <c>int32</c>, <c>int64</c>, <c>float16</c>,
/// <c>float32</c> and <c>float64</c>; anything else is refused with a message saying how to convert it.
/// </summary>
public static class NpyTensor
{
    static readonly (string Descr, ScalarType Type, int Size)[] Types =
    [
        ("|u1", ScalarType.Byte, 1), ("|b1", ScalarType.Bool, 1), ("<i4", ScalarType.Int32, 4), ("<i8", ScalarType.Int64, 8),
        ("<f2", ScalarType.Float16, 2), ("<f4", ScalarType.Float32, 4), ("<f8", ScalarType.Float64, 8),
    ];

    /// <summary>Reads an NPY file into a CPU tensor of the file's element type and shape.</summary>
    /// <exception cref="DataFileException">Missing, truncated, not NPY, Fortran order, or an element type listed nowhere above.</exception>
    public static Tensor Read(string path)
    {
        var header = NpyReader.ReadHeader(path);
        var descr = header.Dtype is "<u1" or ">u1" ? "|u1" : header.Dtype is "<b1" or ">b1" ? "|b1" : header.Dtype;
        var match = Types.FirstOrDefault(t => t.Descr == descr);
        if (match.Descr is null)
            throw new DataFileException(path, $"element type '{header.Dtype}' is not supported; expected one of " +
                                              $"{string.Join(", ", Types.Select(t => t.Descr))} (little-endian). Convert it with x.astype(np.float32).");
        if (header.FortranOrder)
            throw new DataFileException(path, "values are in Fortran (column-major) order; expected C order. Save it with np.ascontiguousarray(x).");
        long bytes = header.Count * match.Size;
        if (bytes > Array.MaxLength)
            throw new DataFileException(path, $"{bytes:N0} bytes of values are more than one read can hold ({Array.MaxLength:N0}); split the array.");

        var data = new byte[bytes];
        using (var file = File.OpenHandle(path)) RandomAccess.Read(file, data, header.DataOffset);
        var tensor = empty(header.Shape, match.Type);
        tensor.bytes = data;
        return tensor;
    }

    /// <summary>
    /// Writes <paramref name="tensor"/> (any device; detached, made contiguous) as NPY 1.0 with its shape and
    /// element type. The file appears whole or not at all.
    /// </summary>
    /// <exception cref="ArgumentException">An element type NPY files here do not carry (convert to float32 first).</exception>
    public static void Write(string path, Tensor tensor)
    {
        var match = Types.FirstOrDefault(t => t.Type == tensor.dtype);
        if (match.Descr is null)
            throw new ArgumentException($"NpyTensor.Write: element type {tensor.dtype} is not supported; expected one of " +
                                        $"{string.Join(", ", Types.Select(t => t.Type))}. Convert it first, e.g. x.to(float32).");
        using var cpu = tensor.detach().cpu().contiguous();
        var data = cpu.bytes.ToArray();
        var header = HeaderBytes(match.Descr, tensor.shape);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(header);
            stream.Write(data);
        });
    }

    /// <summary>Magic, version 1.0, the header length and the header dict, padded to a multiple of 64 bytes.</summary>
    static byte[] HeaderBytes(string descr, long[] shape)
    {
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        int unpadded = 10 + dict.Length + 1;
        dict = dict.PadRight(dict.Length + (64 - unpadded % 64) % 64) + "\n";
        if (dict.Length > ushort.MaxValue) throw new ArgumentException($"NpyTensor.Write: a shape of {shape.Length} dimensions does not fit an NPY 1.0 header.");
        var header = new byte[10 + dict.Length];
        header[0] = 0x93;
        "NUMPY"u8.CopyTo(header.AsSpan(1));
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)dict.Length);
        Encoding.Latin1.GetBytes(dict, header.AsSpan(10));
        return header;
    }
}
