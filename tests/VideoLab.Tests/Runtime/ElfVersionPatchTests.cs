using System.Reflection;
using VideoLab.Runtime;

namespace VideoLab.Tests.Runtime;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ElfVersionPatchTests
{
    /// <summary>The bridge library exactly as the TorchSharp package ships it (the NuGet cache is never patched).</summary>
    static byte[] Original()
    {
        var dir = typeof(ElfVersionPatchTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "TorchSharpPackageDir").Value;
        Assert.False(string.IsNullOrEmpty(dir), "the test project did not record the TorchSharp package folder");
        return File.ReadAllBytes(Path.Combine(dir!, "runtimes", "linux-x64", "native", TorchNativeFix.BridgeFileName));
    }

    static bool OldLibStdCxx(string symbol, string version) => version != "GLIBCXX_3.4.32";
    static bool NewLibStdCxx(string symbol, string version) => true;

    [Fact]
    public void The_shipped_library_needs_the_fix_on_an_old_libstdcxx_and_not_on_a_new_one()
    {
        var original = Original();
        Assert.True(ElfVersionPatch.IsNeeded(original, OldLibStdCxx));
        Assert.False(ElfVersionPatch.IsNeeded(original, NewLibStdCxx));
    }

    [Fact]
    public void The_fix_stubs_exactly_the_one_known_symbol_and_is_idempotent()
    {
        var original = Original();
        var once = (byte[])original.Clone();
        var first = ElfVersionPatch.Apply(once, OldLibStdCxx);
        Assert.True(first.Changed);
        Assert.Equal(["_ZSt21ios_base_library_initv@GLIBCXX_3.4.32"], first.Stubbed);
        Assert.Equal(original.Length, once.Length);
        Assert.NotEqual(original, once);

        var twice = (byte[])once.Clone();
        var second = ElfVersionPatch.Apply(twice, OldLibStdCxx);
        Assert.False(second.Changed);
        Assert.Equal(once, twice);
        Assert.False(ElfVersionPatch.IsNeeded(once, OldLibStdCxx));
    }

    [Fact]
    public void The_fix_changes_only_a_handful_of_bytes()
    {
        var original = Original();
        var patched = (byte[])original.Clone();
        ElfVersionPatch.Apply(patched, OldLibStdCxx);
        int changed = original.Zip(patched).Count(p => p.First != p.Second);
        // the symbol name (≤ 28 bytes), one version index (2) and one flags field (1).
        Assert.InRange(changed, 3, 31);
    }

    [Fact]
    public void A_file_that_is_not_elf_is_rejected_with_a_clear_error()
    {
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionPatch.Apply("not a library"u8.ToArray(), OldLibStdCxx));
        Assert.Contains("ELF", e.Message);
    }

    [Fact]
    public void On_this_machine_the_loaded_bridge_library_no_longer_needs_the_fix()
    {
        var loaded = TorchNativeFix.CandidatePaths().ToList();
        Assert.NotEmpty(loaded);
        foreach (var path in loaded)
            Assert.False(TorchNativeFix.ApplyToFile(path), $"{path} was still unpatched after start-up");
    }
}
