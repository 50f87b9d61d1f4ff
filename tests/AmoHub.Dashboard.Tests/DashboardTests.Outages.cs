using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Notifications;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace AmoHub.Dashboard.Tests;

/// <summary>The banner of amoCRM's own outages, a check failing on many accounts at once (<c>/api/outages</c>).</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task An_outage_of_amoCRM_on_many_accounts_appears_on_an_open_page_as_a_banner_in_Russian_and_English_and_goes_when_they_recover()
    {
        var options = fixture.Hub.Services.GetRequiredService<IOptions<NotificationOptions>>().Value;
        Assert.True(options.Grouping, "the hub groups accounts failing together into outages");
        var page = await fixture.OpenAsync();
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator(".tile")).ToHaveCountAsync(5);
        var banner = page.GetByTestId("outages");
        await Assertions.Expect(banner).ToBeHiddenAsync();

        // Incidents that began longer than the alert delay ago are due at once: the account whose DOWN makes
        // GroupMinAccounts failing together declares the outage, which counts every one of them.
        var startedAt = DateTimeOffset.UtcNow - options.Delay - TimeSpan.FromMinutes(1);
        var opened = Enumerable.Range(0, Math.Max(options.GroupMinAccounts, 3))
            .Select(_ => new IncidentNotice(
                Random.Shared.NextInt64(1, 1_000_000_000_000), $"o-{Guid.NewGuid():N}"[..20], CheckType.Get, IncidentChange.Opened,
                startedAt, null, "amoCRM answered 502 Bad Gateway", 502, CheckErrorCodes.ServerError))
            .ToList();
        ILocator? phoneBanner = null;
        try
        {
            foreach (var notice in opened)
            {
                await Notifier(notice.Account).NotifyAsync(notice);
            }

            var outage = (await Eventually.MatchAsync(
                () => fixture.Hub.Http.GetFromJsonAsync<JsonElement>("/api/outages"),
                found => found.GetArrayLength() == 1,
                TimeSpan.FromSeconds(30),
                "the outage in /api/outages"))[0];
            var (affected, total) = (outage.GetProperty("affected").GetInt32(), outage.GetProperty("total").GetInt32());
            Assert.Equal(opened.Count, affected);
            // The page runs in Moscow time; a start on another day has the day before the time.
            var at = TimeZoneInfo.ConvertTime(startedAt, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).ToString("HH:mm", CultureInfo.InvariantCulture);

            // The page already open reads /api/outages every 30 s.
            var line = banner.GetByTestId("outage");
            await Assertions.Expect(line).ToHaveCountAsync(1, new() { Timeout = 60_000 });
            await Assertions.Expect(banner).ToBeVisibleAsync();
            await Assertions.Expect(banner).ToHaveAttributeAsync("role", "alert");
            await Assertions.Expect(line).ToHaveTextAsync(new Regex($"^Сбой amoCRM: GET \\(Чтение API\\) не работает у {affected} из {total} аккаунтов с (.+, )?{at}$"));
            await Assertions.Expect(line).ToHaveAttributeAsync("title", new Regex(opened[0].Account));
            await Assertions.Expect(page.Locator("#banner")).ToBeHiddenAsync();
            await ScreenshotAsync(page, "outage-banner-ru");

            await page.GetByTestId("lang").ClickAsync();
            await Assertions.Expect(line).ToHaveTextAsync(new Regex($"^amoCRM outage: GET \\(API read\\) down on {affected} of {total} accounts since (.+, )?{at}$"));
            await page.GetByTestId("theme").ClickAsync();
            await ScreenshotAsync(page, "outage-banner-en-dark");
            await AssertNoCspViolationsAsync(page);

            var phone = await fixture.OpenAsync(width: 390, height: 844);
            await phone.GotoAsync("/");
            phoneBanner = phone.GetByTestId("outages");
            await Assertions.Expect(phoneBanner.GetByTestId("outage")).ToContainTextAsync($"у {affected} из {total} аккаунтов");
            var box = (await phoneBanner.BoundingBoxAsync())!;
            Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"the banner spans {box.X}..{box.X + box.Width} on a 390 px screen");
            Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the page does not scroll sideways");
            await ScreenshotAsync(phone, "outage-banner-phone");
        }
        finally
        {
            foreach (var notice in opened)
            {
                await Notifier(notice.Account).NotifyAsync(notice with { Change = IncidentChange.Closed, EndedAt = DateTimeOffset.UtcNow });
            }
        }

        await Eventually.MatchAsync(
            () => fixture.Hub.Http.GetFromJsonAsync<JsonElement>("/api/outages"), found => found.GetArrayLength() == 0, TimeSpan.FromSeconds(30), "the outage gone from /api/outages");
        await Assertions.Expect(banner).ToBeHiddenAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(banner.GetByTestId("outage")).ToHaveCountAsync(0);
        await Assertions.Expect(phoneBanner!).ToBeHiddenAsync(new() { Timeout = 60_000 });
    }

    private INotifierGrain Notifier(string account) =>
        fixture.Hub.Services.GetRequiredService<IGrainFactory>().GetGrain<INotifierGrain>(GrainKeys.Notifier(account));
}
