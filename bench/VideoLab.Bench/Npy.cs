using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace VideoLab.Bench;

/// <summary>
/// The two NPY files the benchmark exchanges with its Python side: uint8 clips in (N, T, H, W) written by
/// bench/peers/moving_mnist.py, and float32 predictions (N, T, H, W) this worker writes for
/// bench/peers/metrics.py, so both frameworks are scored by one implementation of the metrics.
/// </summary>
public static partial class Npy
{
    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")] private static partial Regex ShapePattern();

    /// <summary>Reads a C-order uint8 .npy into a float32 tensor (N, T, 1, H, W) in [0, 1].</summary>
    public static Tensor ReadClips(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{path}: not an NPY file (expected the \\x93NUMPY magic).");
        int headerLength = bytes[6] >= 2 ? BitConverter.ToInt32(bytes, 8) : BitConverter.ToUInt16(bytes, 8);
        int dataStart = (bytes[6] >= 2 ? 12 : 10) + headerLength;
        string header = Encoding.ASCII.GetString(bytes, bytes[6] >= 2 ? 12 : 10, headerLength);
        if (!header.Contains("'|u1'") || header.Contains("'fortran_order': True"))
            throw new InvalidDataException($"{path}: expected C-order uint8 (|u1), header says {header.Trim()}.");
        var shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        if (shape.Length != 4) throw new InvalidDataException($"{path}: expected (N, T, H, W), got ({string.Join(", ", shape)}).");
        var raw = tensor(bytes.AsSpan(dataStart).ToArray(), dtype: ScalarType.Byte).reshape(shape);  // (N, T, H, W)
        return raw.unsqueeze(2).to(ScalarType.Float32).div_(255);                                       // (N, T, 1, H, W)
    }

    /// <summary>Writes a float32 tensor as a C-order little-endian .npy.</summary>
    public static void WriteFloat(string path, Tensor values)
    {
        var data = values.contiguous().to(ScalarType.Float32).cpu().data<float>().ToArray();
        string header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({string.Join(", ", values.shape)}{(values.shape.Length == 1 ? "," : "")}), }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        using var file = File.Create(path);
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(Encoding.ASCII.GetBytes(header));
        var span = System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan());
        file.Write(span);
    }
}
