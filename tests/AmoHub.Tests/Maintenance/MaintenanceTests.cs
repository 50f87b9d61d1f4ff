using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Maintenance;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Tests.Notifications;
using Microsoft.Extensions.DependencyInjection;
using static AmoHub.Tests.Notifications.NotificationsFixture;

namespace AmoHub.Tests.Maintenance;

public sealed class MaintenanceTests(NotificationsFixture fixture) : IClassFixture<NotificationsFixture>
{
    private IMaintenanceGrain Windows => fixture.Hub.Services.GetRequiredService<IGrainFactory>().GetGrain<IMaintenanceGrain>(IMaintenanceGrain.Key);

    [Fact]
    public async Task A_windows_start_and_end_are_announced_once_on_each_channel_and_an_incident_opened_in_it_alerts_nobody()
    {
        var (account, chat) = (NewAccount(), TelegramTests.NewChat());
        var update = await fixture.Notifier(account).ConfigureAsync(new(
            "en", new(false, null, null), null, new(fixture.Webhooks.Url(HookToken(account)).AbsoluteUri), new(chat, null)));
        Assert.Empty(update.Errors);
        var now = DateTimeOffset.UtcNow;

        var created = await Windows.CreateAsync(new MaintenanceRequest(account, now - TimeSpan.FromMinutes(1), now + TimeSpan.FromHours(1), null, null, null, "amoCRM plan change"));
        var window = created.Window!;
        var started = (await fixture.Webhooks.WaitForAsync(HookToken(account), 1))[0].Body;
        await fixture.Telegram.WaitForAsync(chat, 1);
        // Opened a minute ago: outside a window its DOWN alert would be due at once.
        var opened = Notices.Opened(Notices.NewId(), account, CheckType.Get, now - TimeSpan.FromMinutes(1)) with { Maintenance = true };
        await fixture.Notifier(account).NotifyAsync(opened);
        await fixture.Notifier(account).NotifyAsync(Notices.Closed(opened, DateTimeOffset.UtcNow));
        Assert.True(await Windows.DeleteAsync(window.Id));
        var posts = await fixture.Webhooks.WaitForAsync(HookToken(account), 2);
        var telegram = await fixture.Telegram.WaitForAsync(chat, 2);

        // Each channel delivers in order, so an alert raised for the incident would have come before the end.
        Assert.Equal(["maintenance_started", "maintenance_ended"], posts.Select(post => post.Body.GetProperty("event").GetString()));
        Assert.Equal(2, fixture.Webhooks.Received(HookToken(account)).Count);
        Assert.Equal(2, fixture.Telegram.Received(chat).Count);
        Assert.Equal($"🔧 {account}: maintenance started", started.GetProperty("title").GetString());
        Assert.EndsWith("amoCRM plan change", started.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(window.Request.To, started.GetProperty("mutedUntil").GetDateTimeOffset());
        Assert.Contains("maintenance ended", telegram[1].Text, StringComparison.Ordinal);
        Assert.True(Assert.Single(await Windows.ListAsync(account)).Request.To <= DateTimeOffset.UtcNow, "a one-off window deleted under way ends");
        Assert.Null(await Windows.ActiveAsync(account, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task An_incident_that_opened_before_a_window_is_alerted_only_once_the_window_ends()
    {
        var account = NewAccount();
        Assert.Empty((await fixture.Notifier(account).ConfigureAsync(new(null, new(false, null, null), null, new(fixture.Webhooks.Url(HookToken(account)).AbsoluteUri)))).Errors);
        var now = DateTimeOffset.UtcNow;
        var window = (await Windows.CreateAsync(new MaintenanceRequest(account, now, now + TimeSpan.FromHours(1), null, null, null, null))).Window!;
        await fixture.Webhooks.WaitForAsync(HookToken(account), 1);

        // An incident from before the window, its DOWN alert due at once.
        var opened = Notices.Opened(Notices.NewId(), account, CheckType.Post, now - TimeSpan.FromMinutes(1));
        await fixture.Notifier(account).NotifyAsync(opened);
        Assert.True(await Windows.DeleteAsync(window.Id));
        var posts = await fixture.Webhooks.WaitForAsync(HookToken(account), 3);
        await fixture.Notifier(account).NotifyAsync(Notices.Closed(opened, DateTimeOffset.UtcNow));

        Assert.Equal(["maintenance_started", "maintenance_ended", "down"], posts.Take(3).Select(post => post.Body.GetProperty("event").GetString()));
    }

    [Fact]
    public async Task Windows_are_made_listed_and_deleted_over_the_API_and_a_bad_one_is_a_400_naming_its_field()
    {
        using var created = await fixture.Hub.Http.PostAsJsonAsync("/api/maintenance", new
        {
            account = "sandbox", cron = "30 2 * * 0", timeZone = "Europe/Moscow", duration = "01:30:00", reason = "weekly amoCRM works",
        });
        var window = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = window.GetProperty("id").GetString();
        var listed = await fixture.Hub.Http.GetFromJsonAsync<JsonElement>("/api/maintenance?account=sandbox");
        using var badZone = await PostAsync("""{"cron": "30 2 * * 0", "timeZone": "Moscow", "duration": "01:00:00"}""");
        using var badTo = await PostAsync("""{"from": "2030-01-01T10:00:00Z", "to": "tomorrow"}""");
        using var unknown = await PostAsync("""{"account": "nobody", "from": "2030-01-01T10:00:00Z", "to": "2030-01-01T11:00:00Z"}""");
        using var deleted = await fixture.Hub.Http.DeleteAsync(new Uri($"/api/maintenance/{id}", UriKind.Relative));
        using var again = await fixture.Hub.Http.DeleteAsync(new Uri($"/api/maintenance/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(("sandbox", "01:30:00", "Europe/Moscow"), (window.GetProperty("account").GetString(), window.GetProperty("duration").GetString(), window.GetProperty("timeZone").GetString()));
        Assert.Contains(listed.GetProperty("windows").EnumerateArray(), found => found.GetProperty("id").GetString() == id);
        await AssertInvalidAsync(badZone, "timeZone");
        await AssertInvalidAsync(badTo, "to");
        await AssertInvalidAsync(unknown, "account");
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound), (deleted.StatusCode, again.StatusCode));
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
    }

    private Task<HttpResponseMessage> PostAsync(string json) =>
        fixture.Hub.Http.PostAsync(new Uri("/api/maintenance", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task AssertInvalidAsync(HttpResponseMessage response, string field)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
