using System.Runtime.InteropServices;
using VideoLab.Notebooks.Engine;
using VideoLab.Notebooks.Packages;

namespace VideoLab.Notebooks.Tests.Engine;

public sealed class DirectiveAndNativeTests
{
    [Fact]
    public void Directives_are_read_as_polyglot_writes_them_and_blanked_out_of_the_code()
    {
        var cell = "#i \"nuget: ../feed\"\n#r \"nuget: TorchSharp-cpu, 0.107.0\"\n#r \"nuget:Plotly.NET\"\n  #r \"lib/My.dll\" // comment\nvar x = 1;";
        var (code, directives) = Directives.Extract(cell);

        Assert.Equal("\n\n\n\nvar x = 1;", code);
        Assert.Equal<Directive>(
            [new SourceDirective(1, "../feed"), new PackageDirective(2, "TorchSharp-cpu", "0.107.0"),
             new PackageDirective(3, "Plotly.NET", null), new AssemblyDirective(4, "lib/My.dll")],
            directives);

        var error = Assert.Throws<DirectiveException>(() => Directives.Extract("var a = 1;\n#r nuget: NoQuotes"));
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void A_staged_native_library_is_found_by_a_plain_name_through_the_load_context()
    {
        Assert.True(OperatingSystem.IsLinux());
        var name = "videolabtestz" + Guid.NewGuid().ToString("N")[..8];
        var source = Path.Combine(TestPaths.TempFolder("native-src"), $"lib{name}.so");
        File.Copy("/usr/lib/x86_64-linux-gnu/libz.so.1", source);
        var cache = TestPaths.TempFolder("native-cache");

        Assert.False(NativeLibrary.TryLoad(name, typeof(DirectiveAndNativeTests).Assembly, null, out _));
        var folder = NativeLibraries.Stage([source], cache);

        Assert.Equal(source, new FileInfo(Path.Combine(folder, $"lib{name}.so")).LinkTarget);
        Assert.True(NativeLibrary.TryLoad(name, typeof(DirectiveAndNativeTests).Assembly, null, out var handle));
        Assert.True(NativeLibrary.TryGetExport(handle, "zlibVersion", out _));
    }
}
