using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VideoLab.Training;
using static TorchSharp.torch;

namespace VideoLab.Interop;

/// <summary>One tensor listed in a safetensors header: its element type, shape and byte range in the data section.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End);

/// <summary>
/// Reads and writes the safetensors format (Hugging Face's specification, github.com/huggingface/safetensors): an
/// 8-byte little-endian header length N, N bytes of JSON (per tensor: <c>dtype</c>, <c>shape</c>, <c>data_offsets</c>
/// into the data section; <c>__metadata__</c>: text to text), then the raw little-endian tensor bytes.
/// <para>
/// Written here instead of taken from TorchSharp.PyBridge 1.4.4 (which VideoLab uses for PyTorch pickles), because
/// its safetensors code cannot read or write <c>__metadata__</c> (where VideoLab stores the model's config), reads
/// every tensor at once with no size check, trusts the header (a corrupt length or offset reads garbage or fails deep
/// inside), and its path overload opens with <c>File.OpenWrite</c>, which leaves the tail of a longer old file behind.
/// This reader checks the header against the file (length at most 100 MB, as the reference implementation allows;
/// offsets that tile the data section exactly; byte counts that match shapes) before reading any tensor, reads only
/// the tensors asked for, and refuses to read more than a memory budget. Offsets and sizes are 64-bit throughout;
/// tensor bytes go through TorchSharp's chunked stream copy, so single tensors over 2 GB work.
/// </para>
/// </summary>
public static class SafetensorsFile
{
    /// <summary>The largest header the reference implementation accepts (100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    static readonly (string Name, ScalarType Type, int Size)[] Types =
    [
        ("F64", ScalarType.Float64, 8), ("F32", ScalarType.Float32, 4), ("F16", ScalarType.Float16, 2), ("BF16", ScalarType.BFloat16, 2),
        ("I64", ScalarType.Int64, 8), ("I32", ScalarType.Int32, 4), ("I16", ScalarType.Int16, 2), ("I8", ScalarType.Int8, 1),
        ("U8", ScalarType.Byte, 1), ("BOOL", ScalarType.Bool, 1),
    ];

    /// <summary>True when the file starts like a safetensors file (a plausible header length, then <c>{</c>).</summary>
    public static bool Looks(ReadOnlySpan<byte> start, long fileLength) =>
        start.Length >= 9 && BinaryPrimitives.ReadUInt64LittleEndian(start) is var n && n > 1 && (long)n <= fileLength - 8 && start[8] == (byte)'{';

    /// <summary>The header: entries in data order, metadata, and where the data section starts. Validated against the file.</summary>
    /// <exception cref="WeightFileException">Cut short, not safetensors, or a header that does not describe the file.</exception>
    public static (IReadOnlyList<SafetensorsEntry> Entries, IReadOnlyDictionary<string, string> Metadata, long DataStart) ReadHeader(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No weight file at {path}.", path);
        using var file = File.OpenHandle(path);
        long length = RandomAccess.GetLength(file);
        var prefix = new byte[8];
        if (length < 8 || RandomAccess.Read(file, prefix, 0) < 8)
            throw new WeightFileException(path, $"is {length} bytes long, too short for a safetensors file (8-byte header length, JSON header, data). Is it cut short?");
        ulong headerBytes = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerBytes > MaxHeaderBytes)
            throw new WeightFileException(path, $"claims a {headerBytes:N0}-byte header; safetensors headers are at most {MaxHeaderBytes:N0} bytes. The file is corrupt or not safetensors.");
        if ((long)headerBytes > length - 8)
            throw new WeightFileException(path, $"claims a {headerBytes:N0}-byte header but holds only {length - 8:N0} bytes after the length: the file is cut short.");
        var json = new byte[headerBytes];
        RandomAccess.Read(file, json, 8);
        long dataStart = 8 + (long)headerBytes, dataLength = length - dataStart;

        JsonObject header;
        try { header = JsonNode.Parse(json)?.AsObject() ?? throw new JsonException("empty"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException or DecoderFallbackException)
        {
            throw new WeightFileException(path, $"has a header that is not a JSON object ({e.Message}); the file is corrupt or not safetensors.", e);
        }
        var metadata = new Dictionary<string, string>();
        var entries = new List<SafetensorsEntry>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                if (node is JsonObject m)
                    foreach (var (k, v) in m) metadata[k] = v is JsonValue s && s.TryGetValue<string>(out var text) ? text : v?.ToJsonString() ?? "";
                continue;
            }
            entries.Add(ParseEntry(path, name, node));
        }
        entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        long expected = 0;
        foreach (var e in entries)
        {
            if (e.Begin != expected)
                throw new WeightFileException(path, $"tensor '{e.Name}' starts at byte {e.Begin:N0} of the data, where {expected:N0} was expected: the offsets overlap or leave a gap, which safetensors forbids. The file is corrupt.");
            expected = e.End;
        }
        if (expected != dataLength)
            throw new WeightFileException(path, expected > dataLength
                ? $"lists {expected:N0} bytes of tensors but holds {dataLength:N0}: the file is cut short."
                : $"holds {dataLength - expected:N0} bytes after its last tensor: the file is corrupt (or two files were joined).");
        return (entries, metadata, dataStart);
    }

    static SafetensorsEntry ParseEntry(string path, string name, JsonNode? node)
    {
        try
        {
            var o = node!.AsObject();
            var dtype = o["dtype"]!.GetValue<string>();
            var shape = o["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            var offsets = o["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            var type = Types.FirstOrDefault(t => t.Name == dtype);
            if (type.Name is null)
                throw new WeightFileException(path, $"tensor '{name}' has element type {dtype}; VideoLab reads {string.Join(", ", Types.Select(t => t.Name))}. " +
                                                    "Convert it in Python (e.g. tensor.float()) and save again.");
            if (offsets.Length != 2 || shape.Any(d => d < 0) || offsets[0] < 0 || offsets[1] < offsets[0])
                throw new WeightFileException(path, $"tensor '{name}' has shape {StateDict.Shape(shape)} and offsets [{string.Join(", ", offsets)}]: not a valid entry.");
            long elements = shape.Aggregate(1L, (a, d) => checked(a * d));
            if (checked(elements * type.Size) != offsets[1] - offsets[0])
                throw new WeightFileException(path, $"tensor '{name}' ({dtype} {StateDict.Shape(shape)}) needs {elements * type.Size:N0} bytes, its offsets span {offsets[1] - offsets[0]:N0}. The file is corrupt.");
            return new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new WeightFileException(path, $"tensor '{name}' has a header entry without a valid dtype, shape and data_offsets ({e.Message}).", e);
        }
    }

    /// <summary>
    /// Reads the tensors (all of them, or those <paramref name="keep"/> accepts) as CPU tensors in the file's element types.
    /// Refuses before reading anything when they need more than <paramref name="budgetBytes"/>.
    /// </summary>
    public static StateDict Read(string path, long budgetBytes, Func<string, bool>? keep = null)
    {
        var (entries, metadata, dataStart) = ReadHeader(path);
        var wanted = entries.Where(e => keep is null || keep(e.Name)).ToList();
        long bytes = wanted.Sum(e => e.End - e.Begin);
        WeightFiles.CheckBudget(path, bytes, budgetBytes);
        var result = new StateDict(path, metadata);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            foreach (var e in wanted)
            {
                var tensor = empty(e.Shape, Types.First(t => t.Name == e.DType).Type);
                result.Add(e.Name, tensor);
                stream.Position = dataStart + e.Begin;
                if (e.End > e.Begin) tensor.ReadBytesFromStream(stream);
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> (any device; copied to the CPU, contiguous) in the given order with
    /// <paramref name="metadata"/>. The file appears whole or not at all.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
            header["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        long offset = 0;
        foreach (var (name, tensor) in list)
        {
            var type = Types.FirstOrDefault(t => t.Type == tensor.dtype);
            if (type.Name is null) throw new ArgumentException($"SafetensorsFile.Write: '{name}' has element type {tensor.dtype}, which safetensors files here do not carry.");
            long bytes = tensor.NumberOfElements * type.Size;
            header[name] = new JsonObject
            {
                ["dtype"] = type.Name,
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var text = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (text.Length + 7) / 8 * 8;  // the data section starts 8-byte aligned, as the reference writer does
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(text);
            for (int i = text.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var (_, tensor) in list)
            {
                using var cpu = tensor.detach().cpu().contiguous();
                if (cpu.NumberOfElements > 0) cpu.WriteBytesToStream(stream);
            }
        });
    }
}
