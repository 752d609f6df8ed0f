using Microsoft.Playwright;

namespace VideoLab.BrowserTests;

/// <summary>One headless Chromium for the test class: Debian's, started by Playwright's bundled node driver.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    const string Executable = "/usr/bin/chromium";  // Debian package `chromium` (tests/system-packages.txt)
    static readonly string[] Args =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync"];

    IPlaywright _playwright = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: install the Debian package `chromium` (bash tests/run does).");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Executable, Headless = true, Args = Args });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
