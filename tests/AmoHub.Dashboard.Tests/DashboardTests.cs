using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AmoHub.Sandbox.Faults;
using AmoHub.Tests.Infrastructure;
using Microsoft.Playwright;
using IRequest = Microsoft.Playwright.IRequest;

namespace AmoHub.Dashboard.Tests;

/// <summary>
/// The dashboard in real headless Chromium against a running AmoHub and its sandbox. Tests run one after another
/// on one AmoHub; a test that changes the sandbox puts it back before it ends.
/// </summary>
public sealed partial class DashboardTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private const string Account = "sandbox";

    /// <summary>The sandbox's added latency: far above a normal answer on a loaded machine, under the probes' 5 s timeout.</summary>
    private const int SlowMs = 1500;
    private static readonly string[] Checks = ["GET", "POST", "WEB", "HOOK", "DP"];

    [Fact]
    public async Task The_page_loads_with_five_tiles_for_the_sandbox_account_labelled_as_a_sandbox_and_goes_live()
    {
        var page = await fixture.OpenAsync();
        await page.GotoAsync("/");

        await Assertions.Expect(page.Locator(".tile")).ToHaveCountAsync(5);
        foreach (var check in Checks)
        {
            await Assertions.Expect(page.Locator($".tile[data-check='{check}']")).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.GetByTestId("sandbox-badge")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("account")).ToHaveValueAsync(Account);
        await Assertions.Expect(page.GetByTestId("live")).ToHaveAttributeAsync("data-state", "live");
        await Assertions.Expect(page.Locator("#crm [data-figure='contacts']")).ToBeVisibleAsync();
        Assert.Contains("account=sandbox", page.Url, StringComparison.Ordinal);
        await WaitForAllTilesAsync(page, "up");
        await ScreenshotAsync(page, "overview-ru-light");
        await AssertNoCspViolationsAsync(page);
    }

    [Fact]
    public async Task The_CRM_card_counts_the_phones_several_amoCRM_contacts_hold()
    {
        // Two cards in amoCRM with one number, typed two ways; they stay: no other test counts contacts.
        fixture.Hub.Sandbox.Sandbox.CreateContactAsUser(Account, "Ольга", ["+7 903 880-00-01"]);
        fixture.Hub.Sandbox.Sandbox.CreateContactAsUser(Account, "Ольга Петровна", ["8 (903) 880-00-01"]);
        var before = await DuplicatePhonesAsync();
        // A create brings AmoHub's copy up to date with amoCRM first.
        using (var created = await fixture.Hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Кто-то", phone = "+7 903 880-00-02" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var page = await fixture.OpenAsync();
        await page.GotoAsync("/");

        Assert.Equal(before + 1, await DuplicatePhonesAsync());
        await Assertions.Expect(page.Locator("#crm [data-figure='duplicates'] strong")).ToHaveTextAsync((before + 1).ToString(CultureInfo.InvariantCulture));
    }

    private async Task<long> DuplicatePhonesAsync() =>
        (await fixture.Hub.Http.GetFromJsonAsync<JsonElement>($"/api/amocrm/status?account={Account}")).GetProperty("duplicatePhones").GetInt64();

    [Fact]
    public async Task The_Orleans_dashboard_renders_its_silo_overview_within_its_own_content_security_policy()
    {
        // No keys are configured here, so operator pages answer on loopback without a login.
        var page = await fixture.OpenAsync();
        await page.GotoAsync("/orleans/");

        await Assertions.Expect(page.GetByText("Overview").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Cluster Profiling").First).ToBeVisibleAsync();
        await ScreenshotAsync(page, "orleans-dashboard");
        await AssertNoCspViolationsAsync(page);
    }

    [Fact]
    public async Task A_check_result_pushed_by_the_server_changes_a_tile_without_a_reload()
    {
        var page = await fixture.OpenAsync();
        await page.GotoAsync("/");
        await WaitForAllTilesAsync(page, "up");
        await page.EvaluateAsync("window.__sameDocument = true");
        var response = page.Locator(".tile[data-check='GET'] [data-metric='response']");
        Assert.True(await ResponseTimeAsync(response) < SlowMs, $"GET answered in under {SlowMs} ms before the sandbox was slowed down");

        fixture.Hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(Latency: TimeSpan.FromMilliseconds(SlowMs)));
        try
        {
            await Eventually.MatchAsync(() => ResponseTimeAsync(response), ms => ms >= SlowMs, TimeSpan.FromSeconds(30), "the GET tile to show the slow answer");
            Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"), "the page was not reloaded");
            await ScreenshotAsync(page, "pushed-update");
        }
        finally
        {
            fixture.Hub.Sandbox.Sandbox.ClearFaults(Account);
        }

        await Eventually.MatchAsync(() => ResponseTimeAsync(response), ms => ms < SlowMs, TimeSpan.FromSeconds(30), "the GET tile to show a fast answer again");
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"), "the page was not reloaded");
    }

    [Fact]
    public async Task An_outage_in_the_sandbox_turns_the_tiles_red_and_adds_open_incident_rows_on_top_giving_the_reason_in_Russian_that_can_be_muted_for_an_hour()
    {
        var page = await fixture.OpenAsync();
        await page.GotoAsync("/");
        await WaitForAllTilesAsync(page, "up");

        fixture.Hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1.0, FailureStatus: 503));
        try
        {
            var tile = page.Locator(".tile[data-check='GET']");
            await Assertions.Expect(tile).ToHaveAttributeAsync("data-status", "down", new() { Timeout = 60_000 });
            // Tiles are redrawn with every pushed result, so the colour is read from whichever tile is current.
            Assert.Equal("rgb(220, 38, 38)", await page.EvaluateAsync<string>(
                "() => getComputedStyle(document.querySelector(\".tile[data-check='GET'][data-status='down']\")).borderTopColor"));
            var open = page.Locator(".incident[data-open='true'][data-check='GET']");
            await Assertions.Expect(open).ToHaveCountAsync(1, new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator(".incident").First).ToHaveAttributeAsync("data-open", "true");
            // amoCRM's 503 is told by its reason in the page's language, never by the raw English error.
            await Assertions.Expect(page.Locator(".tile[data-check='GET'] .tile-error")).ToHaveTextAsync("HTTP 503 · Сбой на стороне amoCRM");
            await Assertions.Expect(open.Locator(".incident-reason")).ToHaveTextAsync("Сбой на стороне amoCRM");
            await Assertions.Expect(page.Locator("#monitor")).Not.ToContainTextAsync("amoCRM failed");
            await ScreenshotAsync(page, "outage");

            // «Заглушить на 1 ч» makes a one-hour maintenance window for the account, and the open incidents say so.
            await Assertions.Expect(open.GetByTestId("mute-incident")).ToHaveTextAsync("Заглушить на 1 ч");
            await open.GetByTestId("mute-incident").ClickAsync();
            await Assertions.Expect(open.GetByTestId("muted")).ToContainTextAsync("оповещения заглушены до");
            var window = Assert.Single((await fixture.Hub.Http.GetFromJsonAsync<JsonElement>($"/api/maintenance?account={Account}")).GetProperty("windows").EnumerateArray());
            Assert.Equal(TimeSpan.FromHours(1), window.GetProperty("to").GetDateTimeOffset() - window.GetProperty("from").GetDateTimeOffset());
            Assert.Equal(Account, window.GetProperty("account").GetString());
        }
        finally
        {
            fixture.Hub.Sandbox.Sandbox.ClearFaults(Account);
            var windows = (await fixture.Hub.Http.GetFromJsonAsync<JsonElement>($"/api/maintenance?account={Account}")).GetProperty("windows").EnumerateArray().ToList();
            foreach (var window in windows)
            {
                using var deleted = await fixture.Hub.Http.DeleteAsync(new Uri($"/api/maintenance/{window.GetProperty("id").GetString()}", UriKind.Relative));
            }
        }

        await WaitForAllTilesAsync(page, "up");
        await Assertions.Expect(page.Locator(".incident[data-open='true']")).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".incident[data-open='false'][data-check='GET']").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_charts_render_points_for_the_selected_range_and_the_range_is_kept_in_the_url()
    {
        var page = await fixture.OpenAsync();
        await page.GotoAsync("/");
        await WaitForAllTilesAsync(page, "up");

        await page.Locator("button[data-range='1h']").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("range=1h"));
        var chart = page.Locator(".chart-card[data-check='GET']");
        await Eventually.MatchAsync(() => PointsAsync(chart), points => points > 0, TimeSpan.FromSeconds(30), "the 1 h chart of GET to have points");
        await Assertions.Expect(chart.Locator("canvas")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#stats tr[data-check='GET']")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "charts-1h");

        await page.Locator("button[data-range='7d']").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("range=7d"));
        await Assertions.Expect(page.Locator("#charts")).ToHaveAttributeAsync("data-shown-range", "7d");
        Assert.True(await PointsAsync(chart) > 0, "the 7 d chart of GET has its hour bucket");

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("button[data-range='7d']")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(page.Locator("#charts")).ToHaveAttributeAsync("data-shown-range", "7d");
    }

    [Fact]
    public async Task Switching_to_English_changes_the_labels_and_the_choice_survives_a_reload()
    {
        var page = await fixture.OpenAsync();
        await page.GotoAsync("/");
        await WaitForAllTilesAsync(page, "up");
        await Assertions.Expect(page.Locator("h1").First).ToHaveTextAsync("Проверки");
        await Assertions.Expect(page.Locator(".tile[data-check='GET'] .pill")).ToHaveTextAsync("работает");

        await page.GetByTestId("lang").ClickAsync();

        await Assertions.Expect(page.Locator("h1").First).ToHaveTextAsync("Checks");
        await Assertions.Expect(page.Locator(".tile[data-check='GET'] .pill")).ToHaveTextAsync("up");
        await Assertions.Expect(page.Locator(".tile[data-check='GET'] .tile-name")).ToHaveTextAsync("API read");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.GetByTestId("theme").ClickAsync();
        await ScreenshotAsync(page, "overview-en-dark");

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("h1").First).ToHaveTextAsync("Checks");
    }

    [Fact]
    public async Task A_narrow_phone_screen_shows_every_card_without_sideways_scrolling()
    {
        var page = await fixture.OpenAsync(width: 390, height: 844);
        await page.GotoAsync("/?range=1h");
        await WaitForAllTilesAsync(page, "up");
        await Eventually.MatchAsync(() => PointsAsync(page.Locator(".chart-card[data-check='DP']")), points => points > 0, TimeSpan.FromSeconds(30), "the DP chart");

        const string cards = ".tile, .chart-card, #stats, #incidents, #crm";
        Assert.Equal(5 + 5 + 3, await page.Locator(cards).CountAsync());
        for (var i = 0; i < 5 + 5 + 3; i++)
        {
            await Assertions.Expect(page.Locator(cards).Nth(i)).ToBeVisibleAsync();
        }

        // Tiles are redrawn with every pushed result, so the boxes are read in one go inside the page.
        var boxes = await page.EvaluateAsync<double[][]>(
            "selector => [...document.querySelectorAll(selector)].map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.height]; })", cards);
        Assert.Equal(5 + 5 + 3, boxes.Length);
        Assert.All(boxes, box => Assert.True(box[0] >= 0 && box[1] <= 390 && box[2] > 0, $"a card spans {box[0]}..{box[1]}, {box[2]} px high, on a 390 px screen"));
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the page does not scroll sideways");
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardFixture.ScreenshotDirectory, "phone.png"), FullPage = true });
    }

    [Fact]
    public async Task The_admin_page_adds_an_account_that_the_switcher_then_offers_and_removes_it()
    {
        var page = await fixture.OpenAsync();
        await page.GotoAsync("/?view=admin");
        await Assertions.Expect(page.Locator(".account-row[data-account='sandbox']")).ToBeVisibleAsync();

        await page.GetByTestId("add-account").ClickAsync();
        await page.Locator("#f-subdomain").FillAsync("acme-shop");
        await page.Locator("#f-baseUrl").FillAsync("http://127.0.0.1:9/");
        await page.GetByTestId("save-account").ClickAsync();
        await Assertions.Expect(page.Locator("[data-error='accessToken']")).Not.ToBeEmptyAsync();

        await page.Locator("#f-accessToken").FillAsync("long-lived-token");
        await page.GetByTestId("save-account").ClickAsync();
        await Assertions.Expect(page.Locator(".account-row[data-account='acme-shop']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#account option[value='acme-shop']")).ToHaveCountAsync(1);
        var stored = await fixture.Hub.Http.GetAsync(new Uri("/api/accounts/acme-shop", UriKind.Relative));
        Assert.True(stored.IsSuccessStatusCode, "the account exists on the server");
        await ScreenshotAsync(page, "admin");

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.Locator(".account-row[data-account='acme-shop'] .danger").ClickAsync();
        await Assertions.Expect(page.Locator(".account-row[data-account='acme-shop']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".account-row[data-account='sandbox'] .danger")).ToBeDisabledAsync();
    }

    [Fact]
    public async Task A_refused_stream_shows_reconnecting_and_the_page_goes_live_by_itself_once_the_stream_answers()
    {
        var page = await fixture.OpenAsync();
        await page.RouteAsync("**/api/stream*", route => route.AbortAsync());
        await page.GotoAsync("/");
        var live = page.GetByTestId("live");
        await Assertions.Expect(live).ToHaveAttributeAsync("data-state", "reconnecting");
        await Assertions.Expect(live).ToHaveTextAsync("переподключение…");
        await Assertions.Expect(page.Locator(".tile")).ToHaveCountAsync(5);

        await page.UnrouteAsync("**/api/stream*");
        await Assertions.Expect(live).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 60_000 });
        await Assertions.Expect(live).ToHaveTextAsync("онлайн");
    }

    [Fact]
    public async Task The_api_key_kept_in_the_browser_goes_with_every_request_including_the_stream()
    {
        var page = await fixture.OpenAsync();
        await page.AddInitScriptAsync("localStorage.setItem('amohub.apiKey', 'test-key-1')");
        var requests = new List<IRequest>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/", StringComparison.Ordinal))
            {
                lock (requests)
                {
                    requests.Add(request);
                }
            }
        };
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByTestId("live")).ToHaveAttributeAsync("data-state", "live");
        await Assertions.Expect(page.Locator(".tile")).ToHaveCountAsync(5);

        IRequest[] seen;
        lock (requests)
        {
            seen = [.. requests];
        }

        Assert.Contains(seen, request => request.Url.Contains("/api/stream", StringComparison.Ordinal));
        Assert.Contains(seen, request => request.Url.Contains("/api/status", StringComparison.Ordinal));
        foreach (var request in seen)
        {
            Assert.Equal("test-key-1", await request.HeaderValueAsync("x-api-key"));
        }
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        foreach (var path in new[] { "/", "/app.js", "/api/status" })
        {
            using var response = await fixture.Hub.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode, $"{path} answered {response.StatusCode}");
            var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
            Assert.Contains("style-src 'self';", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        }
    }

    private static Task WaitForAllTilesAsync(IPage page, string status) =>
        Assertions.Expect(page.Locator($".tile[data-status='{status}']")).ToHaveCountAsync(5, new() { Timeout = 60_000 });

    private static async Task<int> ResponseTimeAsync(ILocator metric)
    {
        var text = await metric.TextContentAsync() ?? "";
        var digits = NotDigits().Replace(text, "");
        return digits.Length > 0 ? int.Parse(digits, CultureInfo.InvariantCulture) : -1;
    }

    private static async Task<int> PointsAsync(ILocator chart) =>
        await chart.CountAsync() == 0 ? 0 : int.Parse(await chart.GetAttributeAsync("data-points") ?? "0", CultureInfo.InvariantCulture);

    private static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(DashboardFixture.ScreenshotDirectory, name + ".png"), FullPage = true });

    private static async Task AssertNoCspViolationsAsync(IPage page)
    {
        var violations = await page.EvaluateAsync<string[]>("window.__cspViolations");
        Assert.Empty(violations);
    }

    [GeneratedRegex(@"\D")]
    private static partial Regex NotDigits();
}
