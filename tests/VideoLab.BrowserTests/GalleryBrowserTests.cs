using Microsoft.Playwright;
using VideoLab.Plots;
using VideoLab.Tests.Plots;

namespace VideoLab.BrowserTests;

/// <summary>
/// Opens generated galleries from disk (file://) in Debian's headless Chromium with every non-file request
/// aborted, and checks what a reader would see: every chart drawn, the clip player animating, no console
/// errors. Screenshots go to <c>screenshots/</c> in the test output directory.
/// </summary>
public sealed class GalleryBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IDisposable
{
    readonly string _root = TestRuns.TempDirectory("browser");

    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A page opened offline, with the console errors, page errors and blocked requests it produced.</summary>
    sealed record OpenedPage(IPage Page, List<string> Errors, List<string> Blocked);

    async Task<OpenedPage> Open(string htmlPath)
    {
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var errors = new List<string>();
        var blocked = new List<string>();
        // The network is off: anything but the file itself (and data: URIs, which are not requests) is aborted.
        await context.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith("file:", StringComparison.Ordinal)) await route.ContinueAsync();
            else { lock (blocked) blocked.Add(route.Request.Url); await route.AbortAsync(); }
        });
        var page = await context.NewPageAsync();
        page.Console += (_, message) => { if (message.Type == "error") lock (errors) errors.Add(message.Text); };
        page.PageError += (_, error) => { lock (errors) errors.Add(error); };
        await page.GotoAsync(new Uri(htmlPath).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        return new OpenedPage(page, errors, blocked);
    }

    /// <summary>Waits until each .vl-chart holds a drawn plotly plot (an SVG inside .js-plotly-plot); returns how many.</summary>
    static async Task<int> RenderedCharts(IPage page, int expected)
    {
        await page.WaitForFunctionAsync(
            "n => { const charts = [...document.querySelectorAll('.vl-chart')]; " +
            "return charts.length === n && charts.every(c => c.querySelector('.js-plotly-plot svg.main-svg')); }",
            expected, new() { Timeout = 20_000 });
        return await page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('.vl-chart')].filter(c => c.querySelector('.js-plotly-plot svg.main-svg')).length");
    }

    [Fact]
    public async Task A_run_gallery_renders_every_chart_offline_and_its_animation_plays()
    {
        var run = TestRuns.Write(_root, "gan-vq-run", gan: true, vq: true);
        var html = RunGallery.ForRun(run, Path.Combine(run, "gallery.html")).Save(Path.Combine(run, "gallery.html"));
        var (page, errors, blocked) = await Open(html);

        Assert.Equal(6, await RenderedCharts(page, 6));  // loss, GAN losses, D outputs, perplexity, mse and ssim per frame
        Assert.True(await page.EvaluateAsync<int>("() => document.querySelectorAll('.vl-chart .scatterlayer .trace').length") >= 12,
                    "the line traces were not drawn");

        var player = page.Locator(".vl-player").First;
        Assert.Equal("0", await player.GetAttributeAsync("data-frame"));
        var firstImage = await player.Locator("img").First.GetAttributeAsync("src");
        await player.Locator(".vl-play").ClickAsync();
        await page.WaitForFunctionAsync("() => parseInt(document.querySelector('.vl-player').getAttribute('data-frame'), 10) >= 3",
                                        null, new() { Timeout = 10_000 });
        Assert.NotEqual(firstImage, await player.Locator("img").First.GetAttributeAsync("src"));
        Assert.Contains("pause", await player.Locator(".vl-play").InnerTextAsync());
        await player.Locator(".vl-play").ClickAsync();  // pause: the frame stops advancing
        var paused = await player.GetAttributeAsync("data-frame");
        await page.WaitForTimeoutAsync(400);
        Assert.Equal(paused, await player.GetAttributeAsync("data-frame"));

        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "run-gallery.png"), FullPage = true });
        Assert.Empty(errors);
        Assert.Empty(blocked);
    }

    [Fact]
    public async Task Frame_grids_codebook_and_attention_views_render_offline()
    {
        using var clip = new VideoLab.Data.BouncingShapes(new(Frames: 8, Size: 32, Count: 1)).GetClip(0);  // (8, 3, 32, 32)
        using var context = clip.narrow(0, 0, 4);
        using var truth = clip.narrow(0, 4, 4);
        using var prediction = (truth * 0.8f).clamp(0, 1);
        using var interpolation = TorchSharp.torch.linspace(0, 1, 5).reshape(1, 5, 1, 1, 1).expand(2, 5, 1, 16, 16).contiguous();
        using var codebook = TorchSharp.torch.tensor(Enumerable.Range(0, 16 * 4).Select(i => (float)Math.Sin(i * 0.7)).ToArray(), [16, 4]);
        using var attention = TorchSharp.torch.arange(16, TorchSharp.torch.float32).reshape(4, 4) / 16f;
        var counts = Enumerable.Range(0, 16).Select(i => (long)(i % 5 == 0 ? 0 : i * 3)).ToArray();
        var html = new HtmlPage("views")
            .Add(FrameGrid.Create(context, truth, prediction))
            .Add(InterpolationGrid.Create(interpolation))
            .Add(VideoLab.Plots.HtmlBlocks.Row(CodebookCharts.Usage(counts, 480), CodebookCharts.Projection(codebook, counts, 420, 380)))
            .Add(AttentionMap.Create(clip[0], attention))
            .Save(Path.Combine(_root, "views.html"));
        var (page, errors, blocked) = await Open(html);

        Assert.Equal(3, await RenderedCharts(page, 3));
        Assert.Equal(1, await page.Locator(".vl-chart .imagelayer image").CountAsync());  // the frame under the attention heatmap
        Assert.Equal(16 + 10, await page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('.vl-grid img')].filter(i => i.complete && i.naturalWidth > 0).length"));
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "views.png"), FullPage = true });
        Assert.Empty(errors);
        Assert.Empty(blocked);
    }

    [Fact]
    public async Task A_comparison_page_renders_offline_without_errors()
    {
        var a = TestRuns.Write(_root, "small-lr", steps: 200, lossScale: 1.0);
        var b = TestRuns.Write(_root, "large-lr", steps: 200, lossScale: 3.0, horizon: 6);
        var html = RunGallery.Compare([a, b]).Save(Path.Combine(_root, "compare.html"));
        var (page, errors, blocked) = await Open(html);

        Assert.Equal(3, await RenderedCharts(page, 3));  // loss; mse and ssim per frame
        Assert.Equal(2, await page.Locator(".vl-player img").CountAsync());
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "compare.png"), FullPage = true });
        Assert.Empty(errors);
        Assert.Empty(blocked);
    }
}
