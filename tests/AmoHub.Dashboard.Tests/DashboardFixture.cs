using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using AmoHub.Tests.Monitoring;
using Microsoft.Playwright;

namespace AmoHub.Dashboard.Tests;

/// <summary>
/// One all-in-one AmoHub on SQLite with the built-in sandbox and probes every second, and one headless Debian
/// Chromium driven by Playwright. Each test opens its own browser context (fresh storage) on it.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium; ./test.sh installs it (package <c>chromium</c>) when it is missing.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    /// <summary>The running AmoHub.</summary>
    public InProcessAmoHub Hub { get; private set; } = null!;

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where tests save their screenshots: <c>screenshots/</c> beside the test assembly.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium package (./test.sh does).");
        }

        Directory.CreateDirectory(ScreenshotDirectory);
        Hub = await MonitoringHost.StartAsync(StorageProvider.Sqlite);
        await MonitoringHost.WaitForAllAsync(Hub, "up", seconds: 60);
        // The machine may be shared with other builds: a page may take a while to show what the server says.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>
    /// A new page in a fresh context (no stored language, theme or key) of the given size, on this fixture's AmoHub or
    /// on <paramref name="hub"/>, answering a login prompt with <paramref name="credentials"/> when given.
    /// </summary>
    public async Task<IPage> OpenAsync(int width = 1366, int height = 900, InProcessAmoHub? hub = null, HttpCredentials? credentials = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (hub ?? Hub).Http.BaseAddress!.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "ru-RU",
            TimezoneId = "Europe/Moscow",
            HttpCredentials = credentials,
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.AddInitScriptAsync(
            "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));");
        return page;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }
    }
}
