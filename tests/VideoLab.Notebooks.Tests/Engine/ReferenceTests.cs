using VideoLab.Notebooks.Display;
using VideoLab.Notebooks.Engine;

namespace VideoLab.Notebooks.Tests.Engine;

/// <summary>#r directives: NuGet packages through a real restore (from the local package cache), and a built dll with its dependencies.</summary>
[Collection("engine")]
public sealed class ReferenceTests(EngineFixture fixture)
{
    [Fact]
    public async Task A_nuget_package_is_restored_loaded_and_usable_in_the_next_line()
    {
        var code = """
                   #r "nuget: SharpZipLib, 1.4.1"
                   var crc = new ICSharpCode.SharpZipLib.Checksum.Crc32();
                   crc.Update(new byte[] { 1, 2, 3 });
                   crc.Value
                   """;
        var (result, output) = await fixture.Run(code);
        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(0x55bc801dL.ToString(), result.Value?[MimeBundle.PlainText]);
        Assert.Contains(output.Items, i => i.Kind == "display" && i.Text.Contains("SharpZipLib, 1.4.1"));
        // The restore ran in the engine's cache, on a generated project.
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(fixture.CacheFolder, "restore"), "project.assets.json", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_package_that_does_not_exist_fails_with_the_restore_errors_and_the_sources_tried()
    {
        var (result, _) = await fixture.Run("#r \"nuget: VideoLab.No.Such.Package, 1.0.0\"\nvar x = 1;");
        Assert.Equal(CellError.Directive, result.Error?.Name);
        Assert.Equal(1, result.Error!.Line);
        Assert.Contains("VideoLab.No.Such.Package", result.Error.Message);
        // The user's configured sources were asked (nuget.org here), and the message says so.
        Assert.Contains("Sources tried: ", result.Error.Message);
        Assert.Contains("NU1101", result.Error.Message);
    }

    [Fact]
    public async Task TorchSharp_from_nuget_with_its_linux_libtorch_runs_and_tensors_show_a_summary()
    {
        var code = """
                   #r "nuget: TorchSharp, 0.107.0"
                   #r "nuget: libtorch-cpu-linux-x64, 2.10.0"
                   using TorchSharp;
                   var t = torch.ones(2, 3);
                   display(t);
                   t.sum().item<float>()
                   """;
        var (result, output) = await fixture.Run(code);
        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal("6", result.Value?[MimeBundle.PlainText]);
        var tensor = output.Items.Single(i => i.Kind == "display" && i.Text.StartsWith("Tensor"));
        Assert.Equal("Tensor [2, 3] Float32 on cpu: [1, 1, 1, 1, 1, 1]", tensor.Text);
        // The native libraries were gathered in the cache, with a patched copy of the bridge library.
        var bridge = Directory.GetFiles(Path.Combine(fixture.CacheFolder, "native"), "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.NotEmpty(bridge);
        Assert.All(bridge, b => Assert.Null(new FileInfo(b).LinkTarget));
    }

    [Fact]
    public async Task The_library_dll_brings_its_dependencies_and_its_views_render_as_html()
    {
        Assert.True(File.Exists(TestPaths.LibraryDll), $"build the library first: {TestPaths.LibraryDll}");
        var code = $$"""
                   #r "{{TestPaths.LibraryDll}}"
                   using VideoLab.Display;
                   using Plotly.NET.CSharp;
                   sealed class Box(string text) : IHtmlView { public string ToHtml(HtmlAssets assets) => $"<b>{text}</b>"; }
                   display(new Box("bold"));
                   Chart.Line<int, int, string>(new[] { 1, 2 }, new[] { 3, 4 })
                   """;
        var (result, output) = await fixture.Run(code);
        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Contains(output.Items, i => i.Bundle?[MimeBundle.Html] == "<b>bold</b>");
        var html = result.Value?[MimeBundle.Html];
        Assert.NotNull(html);
        Assert.Contains("Plotly.newPlot", html);
        Assert.DoesNotContain("src=\"https://cdn.plot.ly", html);
        Assert.DoesNotContain(Plots.PlotlyJs.ScriptMarker, html);  // plotly.js travels in an output of its own (PlotlyCarrierTests)
        Assert.Contains(output.Items, i => i.Kind == "display" && i.Bundle![MimeBundle.Html]!.Contains(Plots.PlotlyJs.ScriptMarker));
    }
}
