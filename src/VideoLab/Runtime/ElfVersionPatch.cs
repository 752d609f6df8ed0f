using System.Buffers.Binary;
using System.Text;

namespace VideoLab.Runtime;

/// <summary>
/// Removes a native library's need for libstdc++ symbol versions that this system lacks, by editing
/// the ELF file's version tables in place — for the few symbols that are known to be safe to stub.
/// </summary>
/// <remarks>
/// Why: TorchSharp 0.107.0's <c>libLibTorchSharp.so</c> was built with GCC 13 and asks for
/// <c>std::ios_base_library_init()@GLIBCXX_3.4.32</c>. Debian 12 and Ubuntu 22.04 ship libstdc++ 12
/// (up to GLIBCXX_3.4.30), so the library does not load and every <c>torch.*</c> call throws.
/// GCC 13 emits that call to initialise the standard streams; older libstdc++ initialises them by
/// itself, so binding the call to a harmless function is safe.
///
/// The edit (all sizes unchanged, no code touched):
/// 1. the <c>.gnu.version_r</c> entry for the missing version gets <c>VER_FLG_WEAK</c>, so the
///    loader only warns when the version is absent;
/// 2. each symbol that needs it becomes unversioned (<c>.gnu.version</c> index 1, global);
/// 3. its name in <c>.dynstr</c> is overwritten, in place, with a shorter existing libstdc++
///    function that takes no arguments and has no side effects, padded with NUL bytes.
///
/// When to delete this file: when the TorchSharp that VideoLab uses is built against a libstdc++
/// no newer than the one in the oldest Linux VideoLab supports (or those distributions age out).
/// </remarks>
public static class ElfVersionPatch
{
    /// <summary>Symbols that may be re-pointed, each with the harmless stand-in it becomes.</summary>
    public static readonly IReadOnlyDictionary<string, string> SafeStubs = new Dictionary<string, string>
    {
        // std::ios_base_library_init() → std::get_new_handler(): no arguments, reads one pointer.
        ["_ZSt21ios_base_library_initv"] = "_ZSt15get_new_handlerv",
    };

    const uint ShtDynsym = 11, ShtGnuVersym = 0x6fffffff, ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlagWeak = 0x2, VersymGlobal = 1;
    const string LibStdCxx = "libstdc++.so.6";

    /// <summary>What <see cref="Apply"/> found and did.</summary>
    /// <param name="Changed">True when bytes were modified.</param>
    /// <param name="Stubbed">The symbols re-pointed, as <c>name@version</c>.</param>
    public sealed record Outcome(bool Changed, IReadOnlyList<string> Stubbed);

    /// <summary>
    /// Edits <paramref name="elf"/> in place so that it no longer needs any libstdc++ symbol version
    /// that <paramref name="systemProvides"/> (symbol, version) says is missing.
    /// Idempotent: a second call finds nothing to do.
    /// </summary>
    /// <exception cref="NotSupportedException">A missing symbol is not one that can safely be stubbed.</exception>
    /// <exception cref="InvalidDataException">The bytes are not a 64-bit little-endian ELF file.</exception>
    public static Outcome Apply(byte[] elf, Func<string, string, bool> systemProvides)
    {
        var file = new ElfFile(elf);
        var needs = file.LibStdCxxNeeds().Where(n => (n.Flags & VerFlagWeak) == 0).ToList();
        var stubbed = new List<string>();
        foreach (var need in needs)
        {
            var symbols = file.SymbolsWithVersionIndex(need.Index).ToList();
            if (symbols.Count == 0 || symbols.All(s => systemProvides(s.Name, need.Version)))
                continue;
            foreach (var symbol in symbols)
            {
                if (!SafeStubs.TryGetValue(symbol.Name, out var stub))
                    throw new NotSupportedException(
                        $"This native library needs {symbol.Name}@{need.Version} from {LibStdCxx}, which this " +
                        $"system's libstdc++ does not provide and which cannot safely be stubbed. " +
                        $"Install a libstdc++ that provides {need.Version} (GCC 13 or newer) or use a TorchSharp " +
                        $"built against an older one.");
                file.RenameSymbol(symbol, stub);
                file.SetVersionIndex(symbol.Index, VersymGlobal);
                stubbed.Add($"{symbol.Name}@{need.Version}");
            }
            file.SetNeedFlags(need, (ushort)(need.Flags | VerFlagWeak));
        }
        return new Outcome(stubbed.Count > 0, stubbed);
    }

    /// <summary>True when <paramref name="elf"/> still has a non-weak need for a version of libstdc++ the system lacks.</summary>
    public static bool IsNeeded(byte[] elf, Func<string, string, bool> systemProvides)
    {
        var copy = (byte[])elf.Clone();
        return Apply(copy, systemProvides).Changed;
    }

    sealed record Section(uint Type, long Offset, long Size, uint Link, uint Info, long EntrySize);
    sealed record VersionNeed(string Version, ushort Index, ushort Flags, long FlagsOffset);
    sealed record Symbol(int Index, string Name, long NameOffset);

    /// <summary>Just enough of an ELF64 little-endian reader for the version tables.</summary>
    sealed class ElfFile
    {
        readonly byte[] _b;
        readonly Section[] _sections;
        readonly Section _dynsym, _dynstr, _versym;
        readonly Section? _verneed;

        public ElfFile(byte[] bytes)
        {
            _b = bytes;
            if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F')
                throw new InvalidDataException("Not an ELF file (no \\x7fELF magic).");
            if (bytes[4] != 2 || bytes[5] != 1)
                throw new InvalidDataException("Only 64-bit little-endian ELF files are supported.");
            long shoff = (long)U64(0x28);
            int shentsize = U16(0x3A), shnum = U16(0x3C);
            if (shoff <= 0 || shoff + (long)shentsize * shnum > bytes.Length)
                throw new InvalidDataException("ELF section header table lies outside the file (truncated?).");
            _sections = new Section[shnum];
            for (int i = 0; i < shnum; i++)
            {
                long h = shoff + (long)i * shentsize;
                _sections[i] = new Section(U32(h + 4), (long)U64(h + 24), (long)U64(h + 32), U32(h + 40), U32(h + 44), (long)U64(h + 56));
            }
            _dynsym = _sections.FirstOrDefault(s => s.Type == ShtDynsym)
                      ?? throw new InvalidDataException("ELF file has no dynamic symbol table.");
            _dynstr = _sections[_dynsym.Link];
            _versym = _sections.FirstOrDefault(s => s.Type == ShtGnuVersym) ?? _dynsym with { Size = 0 };
            _verneed = _sections.FirstOrDefault(s => s.Type == ShtGnuVerneed);
        }

        public IEnumerable<VersionNeed> LibStdCxxNeeds()
        {
            if (_verneed is null) yield break;
            var strings = _sections[_verneed.Link];
            long vn = _verneed.Offset;
            for (uint i = 0; i < _verneed.Info; i++)
            {
                ushort count = U16(vn + 2);
                string file = String(strings, U32(vn + 4));
                long aux = vn + U32(vn + 8);
                for (int j = 0; j < count; j++)
                {
                    if (file == LibStdCxx)
                        yield return new VersionNeed(String(strings, U32(aux + 8)), U16(aux + 6), U16(aux + 4), aux + 4);
                    aux += U32(aux + 12);
                }
                uint next = U32(vn + 12);
                if (next == 0) break;
                vn += next;
            }
        }

        public IEnumerable<Symbol> SymbolsWithVersionIndex(ushort index)
        {
            long count = _versym.Size / 2;
            for (int i = 0; i < count; i++)
            {
                if ((U16(_versym.Offset + 2L * i) & 0x7fff) != index) continue;
                long nameOffset = U32(_dynsym.Offset + (long)i * _dynsym.EntrySize);
                yield return new Symbol(i, String(_dynstr, nameOffset), nameOffset);
            }
        }

        public void RenameSymbol(Symbol symbol, string newName)
        {
            if (newName.Length > symbol.Name.Length)
                throw new InvalidOperationException($"Stub name {newName} is longer than {symbol.Name}.");
            // The linker may share string tails between symbols; renaming a shared string would rename both.
            long start = symbol.NameOffset, end = start + symbol.Name.Length;
            long symbols = _dynsym.Size / _dynsym.EntrySize;
            for (int i = 0; i < symbols; i++)
            {
                long other = U32(_dynsym.Offset + (long)i * _dynsym.EntrySize);
                if (i != symbol.Index && other >= start && other <= end)
                    throw new NotSupportedException($"The name of {symbol.Name} is shared with another symbol; cannot rename it in place.");
            }
            var bytes = new byte[symbol.Name.Length];
            Encoding.ASCII.GetBytes(newName).CopyTo(bytes, 0);
            bytes.CopyTo(_b, _dynstr.Offset + start);
        }

        public void SetVersionIndex(int symbolIndex, ushort value) =>
            BinaryPrimitives.WriteUInt16LittleEndian(_b.AsSpan((int)(_versym.Offset + 2L * symbolIndex)), value);

        public void SetNeedFlags(VersionNeed need, ushort flags) =>
            BinaryPrimitives.WriteUInt16LittleEndian(_b.AsSpan((int)need.FlagsOffset), flags);

        string String(Section table, long offset)
        {
            long start = table.Offset + offset, end = start;
            while (end < _b.Length && _b[end] != 0) end++;
            return Encoding.ASCII.GetString(_b, (int)start, (int)(end - start));
        }

        ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(_b.AsSpan((int)at));
        uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(_b.AsSpan((int)at));
        ulong U64(long at) => BinaryPrimitives.ReadUInt64LittleEndian(_b.AsSpan((int)at));
    }
}
