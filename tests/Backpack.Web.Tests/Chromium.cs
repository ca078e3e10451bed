using Microsoft.Playwright;

namespace Backpack.Web.Tests;

/// <summary>
/// Debian's chromium, headless, driven by Playwright through <c>ExecutablePath</c> (Playwright's own browser download
/// is never run), one per test collection.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    /// <summary>Where Debian's package puts the browser.</summary>
    internal const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    internal IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's chromium (eng/prerequisites.sh runtime test does).");
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--autoplay-policy=no-user-gesture-required", "--disable-gpu"],
        });
    }

    /// <summary>A fresh context (its own cookies) with a page in it.</summary>
    internal async Task<IPage> NewPageAsync(bool ignoreHttpsErrors = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = ignoreHttpsErrors, ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
    }
}

/// <summary>The tests that drive the browser: one Chromium, one test at a time (each streams in real time).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserTests : ICollectionFixture<Chromium>
{
    internal const string Name = "browser";
}
