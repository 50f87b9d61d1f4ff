using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AmoHub.Sandbox.Faults;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using AmoHub.Tests.Monitoring;
using AmoHub.Tests.Security;
using AmoHub.WebApi.StatusPage;
using Microsoft.Playwright;

namespace AmoHub.Dashboard.Tests;

/// <summary>The status page for people in sales, <c>/status</c> and <c>/status/{account}</c>.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task The_status_page_says_each_checks_state_in_Russian_words_with_a_30_day_bar_and_switches_to_English()
    {
        var page = await fixture.OpenAsync();
        var response = await page.GotoAsync("/status");

        Assert.Equal((int)HttpStatusCode.OK, response!.Status);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Статус amoCRM");
        var sandbox = page.Locator(".account[data-account='sandbox']");
        var read = sandbox.Locator(".check").First;
        await Assertions.Expect(sandbox.Locator(".check")).ToHaveCountAsync(5);
        await Assertions.Expect(read.Locator(".check-name")).ToHaveTextAsync("Чтение данных из amoCRM");
        await Assertions.Expect(sandbox.Locator(".check[data-status='up'] .state").First).ToHaveTextAsync("Работает");
        await Assertions.Expect(read.Locator(".day")).ToHaveCountAsync(StatusBoard.Days);
        // Today's results are in the day's rollup; the days before the fixture started have none.
        await Assertions.Expect(read.Locator(".day").Last).ToHaveClassAsync(new Regex("day-(ok|partial|bad)"));
        await Assertions.Expect(read.Locator(".day").First).ToHaveClassAsync(new Regex("day-none"));
        await Assertions.Expect(read.Locator(".uptime")).ToContainTextAsync("Доступность за 30 дней: ");
        await Assertions.Expect(sandbox.Locator(".badge")).ToHaveTextAsync("песочница");
        await ScreenshotAsync(page, "status-ru-desktop");

        await page.GetByTestId("lang").GetByText("EN").ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("amoCRM status");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Assertions.Expect(read.Locator(".check-name")).ToHaveTextAsync("Reading data from amoCRM");
        await Assertions.Expect(sandbox.Locator(".check[data-status='up'] .state").First).ToHaveTextAsync("Operational");
        await Assertions.Expect(read.Locator(".uptime")).ToContainTextAsync("Uptime over 30 days: ");
        await ScreenshotAsync(page, "status-en-desktop");
        await AssertNoCspViolationsAsync(page);
    }

    [Theory]
    [InlineData("ru", "Статус amoCRM")]
    [InlineData("en", "amoCRM status")]
    public async Task The_status_page_of_one_account_fits_a_phone_screen_without_sideways_scrolling(string language, string title)
    {
        var page = await fixture.OpenAsync(width: 390, height: 844);
        await page.GotoAsync($"/status/{Account}?lang={language}");

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(title);
        await Assertions.Expect(page.Locator(".account")).ToHaveCountAsync(1);
        var checks = page.Locator(".check");
        await Assertions.Expect(checks).ToHaveCountAsync(5);
        for (var i = 0; i < 5; i++)
        {
            await Assertions.Expect(checks.Nth(i).Locator(".bar")).ToBeVisibleAsync();
        }

        Assert.True(
            await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"),
            "the page is no wider than the phone's screen");
        await ScreenshotAsync(page, $"status-{language}-phone");
    }

    [Fact]
    public async Task The_status_page_tells_an_outage_in_words_and_never_shows_the_raw_error_addresses_or_codes()
    {
        fixture.Hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1.0, FailureStatus: 503));
        try
        {
            var incident = (await Eventually.MatchAsync(
                () => MonitoringHost.IncidentsAsync(fixture.Hub, query: "&open=true&checkType=GET"),
                open => open.Count == 1,
                TimeSpan.FromSeconds(60),
                "the GET outage's incident"))[0];
            var raw = incident.GetProperty("details").GetString()!;
            Assert.Contains("503", raw, StringComparison.Ordinal);

            var page = await fixture.OpenAsync();
            await page.GotoAsync($"/status/{Account}");
            var outage = page.GetByTestId("outage").Filter(new() { HasText = "Чтение данных из amoCRM" });
            await Assertions.Expect(outage).ToContainTextAsync("Причина: Сбой на стороне amoCRM");
            await Assertions.Expect(page.GetByTestId("summary")).ToHaveTextAsync("Есть сбои");
            await ScreenshotAsync(page, "status-outage-ru");

            var html = await page.ContentAsync();
            var errorMessage = (await MonitoringHost.ChecksAsync(fixture.Hub)).Check("GET").GetProperty("errorMessage").GetString();
            foreach (var secret in new[] { raw, errorMessage, "amoCRM failed", "server_error", "HTTP", "/api/", "127.0.0.1", "http://" })
            {
                if (!string.IsNullOrEmpty(secret))
                {
                    Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
                }
            }
        }
        finally
        {
            fixture.Hub.Sandbox.Sandbox.ClearFaults(Account);
        }

        await MonitoringHost.WaitForAllAsync(fixture.Hub, "up", seconds: 60);
    }

    [Fact]
    public async Task The_status_page_needs_a_read_key_unless_it_is_configured_public_and_then_speaks_its_configured_language()
    {
        await using (var closed = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, ApiKeys.Settings()))
        {
            foreach (var path in new[] { "/status", $"/status/{Account}" })
            {
                using var anonymous = await closed.Http.GetAsync(new Uri(path, UriKind.Relative));
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
                Assert.Contains(anonymous.Headers.WwwAuthenticate, challenge => challenge.Scheme == "Basic");
            }

            var page = await fixture.OpenAsync(hub: closed, credentials: new HttpCredentials { Username = "sales", Password = ApiKeys.Read });
            var response = await page.GotoAsync($"/status/{Account}");
            Assert.Equal((int)HttpStatusCode.OK, response!.Status);
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Статус amoCRM");
        }

        var settings = ApiKeys.Settings(new Dictionary<string, string>
        {
            ["AmoHub:StatusPage:Public"] = "true",
            ["AmoHub:StatusPage:Language"] = "en",
        });
        await using var open = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, settings);
        using (var api = await open.Http.GetAsync(new Uri($"/api/status?account={Account}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        }

        var publicPage = await fixture.OpenAsync(hub: open);
        var answer = await publicPage.GotoAsync($"/status/{Account}");
        Assert.Equal((int)HttpStatusCode.OK, answer!.Status);
        await Assertions.Expect(publicPage.Locator("h1")).ToHaveTextAsync("amoCRM status");
        await Assertions.Expect(publicPage.Locator(".account[data-account='sandbox'] h2")).ToContainTextAsync(Account);
        await ScreenshotAsync(publicPage, "status-public-en");
        await AssertNoCspViolationsAsync(publicPage);
    }

    [Fact]
    public async Task An_unknown_account_has_no_status_page()
    {
        using var response = await fixture.Hub.Http.GetAsync(new Uri("/status/nobody-here", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Такого аккаунта нет.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_maintenance_window_made_through_the_API_shows_as_a_banner_above_the_checks_and_goes_with_it()
    {
        var now = DateTimeOffset.UtcNow;
        var ends = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddHours(2);
        using var created = await fixture.Hub.Http.PostAsJsonAsync(
            "/api/maintenance", new { account = Account, from = now.AddMinutes(-10), to = ends, reason = "Обновление <b>сервера</b>" });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        try
        {
            var page = await fixture.OpenAsync();
            await page.GotoAsync($"/status/{Account}");

            await Assertions.Expect(page.GetByTestId("maintenance")).ToHaveTextAsync($"Плановые работы до {ends.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture)} UTC. Обновление <b>сервера</b>");
            await ScreenshotAsync(page, "status-maintenance-ru");
        }
        finally
        {
            using var deleted = await fixture.Hub.Http.DeleteAsync(new Uri($"/api/maintenance/{id}", UriKind.Relative));
        }

        var after = await fixture.OpenAsync();
        await after.GotoAsync($"/status/{Account}");
        await Assertions.Expect(after.GetByTestId("maintenance")).ToHaveCountAsync(0);
    }
}
