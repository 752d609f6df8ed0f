using System.Reflection;
using System.Text.RegularExpressions;
using VideoLab.Plots;

namespace VideoLab.Tests.Plots;

public sealed class GalleryTests : IDisposable
{
    readonly string _root = TestRuns.TempDirectory("gallery");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    static int Count(string html, string pattern) => Regex.Matches(html, pattern).Count;

    [Fact]
    public void A_run_page_shows_config_charts_metrics_samples_and_relative_export_links()
    {
        var run = TestRuns.Write(_root, "gan-run", gan: true, vq: true);
        var outPath = Path.Combine(run, "gallery.html");
        var html = RunGallery.ForRun(run, outPath).Render();

        Assert.Contains("&quot;convlstm&quot;", html);                          // config.json, escaped
        Assert.Equal(1 + 2 + 1 + 2, Count(html, "class=\"vl-chart\""));          // loss, GAN ×2, perplexity, mse/ssim per frame
        Assert.Equal(1, Count(html, Regex.Escape(PlotlyJs.ScriptMarker)));
        Assert.Matches("<td>psnr</td><td>25\\.98</td><td>25\\.98</td><td>299</td>", html);  // last, best (max), step
        Assert.Equal(1, Count(html, "class=\"vl-player\""));
        Assert.Contains("<figcaption>#1</figcaption>", html);                   // both clips of samples/shapes.pt
        Assert.Contains("href=\"samples/shapes.gif\"", html);
        Assert.DoesNotMatch(@"<script[^>]*\bsrc=", html);

        var elsewhere = Path.Combine(_root, "pages", "p.html");
        Assert.Contains("href=\"../gan-run/samples/shapes.gif\"", RunGallery.ForRun(run, elsewhere).Render());
    }

    [Fact]
    public void Export_links_are_relative_to_the_page_and_url_escaped()
    {
        var page = Path.Combine(_root, "pages", "index.html");
        Assert.Equal("../my%20run/samples/a%23b.mp4", RunGallery.RelativeHref(page, Path.Combine(_root, "my run", "samples", "a#b.mp4")));
        Assert.Equal("x.gif", RunGallery.RelativeHref(page, Path.Combine(_root, "pages", "x.gif")));
    }

    [Fact]
    public void A_comparison_page_puts_runs_side_by_side()
    {
        var a = TestRuns.Write(_root, "a", lossScale: 1.0);
        var b = TestRuns.Write(_root, "b", lossScale: 2.0, horizon: 5);
        var html = RunGallery.Compare([a, b]).Render();
        Assert.Matches("<td>config.lr</td><td>0.001</td><td>0.002</td>", html);
        Assert.DoesNotContain("<td>model</td>", html);                          // identical settings are left out
        Assert.Equal(1 + 2, Count(html, "class=\"vl-chart\""));                  // loss, mse and ssim per frame
        Assert.Contains("<figcaption>a</figcaption>", html);
        Assert.Contains("<figcaption>b</figcaption>", html);
        Assert.Equal(1, Count(html, Regex.Escape(PlotlyJs.ScriptMarker)));
        Assert.Throws<ArgumentException>(() => RunGallery.Compare([a]));
    }

    [Fact]
    public void Missing_or_broken_run_files_give_clear_errors()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => RunGallery.ForRun(Path.Combine(_root, "nope"), "x.html"));
        Assert.Contains("nope", e.Message);
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        Assert.Throws<InvalidDataException>(() => RunGallery.ForRun(empty, "x.html"));

        var run = TestRuns.Write(_root, "bad-sample", steps: 60, samples: false);
        Directory.CreateDirectory(Path.Combine(run, "samples"));
        using (var wrong = TorchSharp.torch.zeros(4, 4)) wrong.save(Path.Combine(run, "samples", "wrong.pt"));
        Assert.Contains("a sample file must hold clips (N, T, C, H, W)", RunGallery.ForRun(run, "x.html").Render());
    }

    [Fact]
    public void The_render_command_writes_a_gallery_and_rejects_several_runs_without_compare()
    {
        var run = TestRuns.Write(_root, "cli", steps: 100);
        var cli = Assembly.Load("VideoLab.Cli").EntryPoint!;
        int Invoke(params string[] args) => (int)cli.Invoke(null, [args])!;

        Assert.Equal(0, Invoke("render", run));
        Assert.True(File.Exists(Path.Combine(run, "gallery.html")));
        var compared = Path.Combine(_root, "cmp.html");
        Assert.Equal(0, Invoke("render", "--compare", run, run, "--out", compared));
        Assert.True(new FileInfo(compared).Length > 1_000_000);  // plotly.js is inside
        Assert.Equal(2, Invoke("render", run, run));
        Assert.Equal(1, Invoke("render", Path.Combine(_root, "missing")));
    }
}
